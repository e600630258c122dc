"""The People panel, its dialogs, picking faces, and the anonymised preview."""
