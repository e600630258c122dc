"""The Prototypes panel and evidence boards."""
