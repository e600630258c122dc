"""The clip list, the Clip panel, the shared clip selection, tagging by key, safeguarding box, the
Filmed-at box."""
