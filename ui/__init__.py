"""ProtoReel's PySide6 interface. Calls app/ and media/, never SQL."""
