"""Breakfast reviews: what is presented to the room, the notes, marks and actions, and the
summary."""
