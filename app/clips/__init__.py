"""Clips: half-open ranges of a film with title, notes, quote and tags; safeguarding flags;
finding clips by time of day."""
