"""People on film: roles, pseudonyms, consent history, appearances, faces and which faces an
export covers."""
