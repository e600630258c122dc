"""The reel builder, its Export dialog and the reel preview."""
