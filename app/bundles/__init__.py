"""Bundles: clips with their tags and people's consent, handed to a partner organisation's
ProtoReel."""
