"""ProtoReel's headless core. Nothing in this package imports Qt (a test enforces it)."""
