"""Highlight reels: ordered clips for an audience, planned for the exporters, and exported."""
