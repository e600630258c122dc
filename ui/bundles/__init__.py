"""Exporting and importing bundles from the window."""
