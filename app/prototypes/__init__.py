"""Service prototypes linked to clips, and their evidence boards."""
