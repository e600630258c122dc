"""The one gate every file or showing for others passes: path guard, name guard, consent policy,
the export log."""
