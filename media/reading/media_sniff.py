"""Is this file a picture, sound or video? Read from its first bytes (a renamed phone film is
still footage), with the name's suffix as a second opinion. Used to keep exports from ever
replacing footage that ProtoReel does not know about."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from media import oslayer

# What the import dialog offers (films and sound), and beyond it what else counts as footage.
FILM_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts", ".mpg", ".mpeg",
                 ".3gp", ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus")
MEDIA_SUFFIXES = {
    *FILM_SUFFIXES, ".3g2", ".vob", ".flv", ".wmv", ".asf", ".ogv", ".dv", ".mxf", ".heic", ".heif", ".jpg",
    ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".wma", ".aif", ".aiff", ".amr",
}

# (offset, bytes) signatures of containers and picture formats phones and cameras write.
_SIGNATURES = [
    (4, b"ftyp"), (4, b"moov"), (4, b"mdat"), (4, b"wide"), (4, b"free"), (4, b"skip"),  # MP4/MOV/3GP/HEIC
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (0, b"RIFF"),  # AVI, WAV, WebP
    (0, b"\x00\x00\x01\xba"), (0, b"\x00\x00\x01\xb3"),  # MPEG program stream / video
    (0, b"FLV"), (0, b"OggS"), (0, b"fLaC"), (0, b"ID3"), (0, b"FORM"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF / WMV
    (0, b"\x06\x0e\x2b\x34"),  # MXF
    (0, b"\xff\xd8\xff"), (0, b"\x89PNG"), (0, b"GIF8"), (0, b"II*\x00"), (0, b"MM\x00*"), (0, b"BM"),
    (0, b"#!AMR"),
]


def is_media(path: Path) -> bool:
    """Whether ``path`` holds footage. Only a regular file is read (a FIFO or a device is never
    opened by name: opening a FIFO waits for a writer for ever); anything else is not media."""
    if Path(path).suffix.lower() in MEDIA_SUFFIXES:
        return True
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        fd = os.open(path, oslayer.input_flags())  # non-blocking, should it have become a FIFO since
        try:
            head = os.read(fd, 400) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
        finally:
            os.close(fd)
    except OSError:
        return False
    if any(head[at:at + len(sig)] == sig for at, sig in _SIGNATURES):
        return True
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:  # MPEG transport stream
        return True
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # MP3 / AAC frame sync
