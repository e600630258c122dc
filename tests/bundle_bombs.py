"""Bundles made to hurt an importer (issue 23, item 3), for the tests and
``bench/bundle_bomb_bench.py``. Each is a zip whose manifest's hashes are right (as an attacker
re-hashing a bundle would make them), so only limits can refuse it.

- ``manifest_bomb``: a manifest that deflates to ``size`` bytes (a long string in it).
- ``zeros_member``: a "film" of ``size`` bytes of zeros, deflated.
- ``stored_zeros``: a "film" of ``size`` bytes of zeros, stored as films are (a sparse file:
  the zip says ``size`` bytes, the disk holds next to nothing), written by hand as zip64; with
  ``head``, the zeros follow an MP4's first box (a glance at the start takes it for a film).
- ``data_bomb``: a library.json that deflates to ``size`` bytes.
- ``many_members``: ``count`` members, every one listed in the manifest with its hash.
- ``deep_data``: a library.json nested ``depth`` lists deep.
- ``list_ref``, ``list_member``: a clip whose person, or film, reference is a list.
- ``plain``: a well-formed bundle of one clip (its film two tiny frames).
"""

from __future__ import annotations

import functools
import hashlib
import json
import struct
import zipfile
import zlib
from pathlib import Path

FORMAT, VERSION = "protoreel-bundle", 1
FILM_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"  # an MP4's first box
CHUNK = 1 << 24


def _manifest(members: dict, **extra) -> dict:
    return {"format": FORMAT, "version": VERSION, "subject": {"kind": "reel", "title": "R"},
            "audience": "team", **extra, "members": members}


def _data(clips: list[dict] | None = None, people: list[dict] | None = None) -> bytes:
    return json.dumps({"tags": [], "prototypes": [], "people": people or [],
                       "clips": clips if clips is not None else [
                           {"member": "media/1.mp4", "title": "C", "start_us": 0, "end_us": 1_000_000}]}).encode()


def _facts(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _write(path: Path, manifest: dict, data: bytes, films: dict[str, bytes],
           compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("library.json", data, compress_type=compress)
        for name, body in films.items():
            zf.writestr(name, body)
    return path


@functools.lru_cache(maxsize=1)
def tiny_film() -> bytes:
    """A real MP4 of two 16x16 frames (FFmpeg opens it: the importer reads films where they lie
    in the bundle before anything else, so a bundle that must fail later needs a real one)."""
    import io

    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width = stream.height = 16
        stream.pix_fmt = "yuv420p"
        for _ in range(2):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")))
        container.mux(stream.encode())
    return out.getvalue()


def _plain(path: Path, data: bytes, film: bytes | None = None, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    film = tiny_film() if film is None else film
    members = {"library.json": _facts(data), "media/1.mp4": _facts(film)}
    return _write(path, _manifest(members), data, {"media/1.mp4": film}, compress)


def _fill(size: int, byte: bytes, head: bytes = b"", tail: bytes = b""):
    """The blocks of ``head + byte * n + tail``, ``size`` bytes in all, never held whole."""
    yield head
    filler = byte * CHUNK
    left = size - len(head) - len(tail)
    while left > 0:
        yield filler[:min(CHUNK, left)]
        left -= min(CHUNK, left)
    yield tail


def _facts_of(blocks) -> dict:
    digest, size = hashlib.sha256(), 0
    for block in blocks:
        digest.update(block)
        size += len(block)
    return {"sha256": digest.hexdigest(), "size": size}


def _stream(zf: zipfile.ZipFile, name: str, blocks, compress: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = compress
    with zf.open(info, "w", force_zip64=True) as out:
        for block in blocks:
            out.write(block)


def manifest_bomb(path: Path, size: int) -> Path:
    data, film = _data(), FILM_HEAD + bytes(100)
    text = json.dumps(_manifest({"library.json": _facts(data), "media/1.mp4": _facts(film)}, padding="")).encode()
    at = text.index(b'"padding": "') + len(b'"padding": "')  # a long string of spaces in the manifest
    with zipfile.ZipFile(path, "w") as zf:
        _stream(zf, "manifest.json", _fill(size, b" ", text[:at], text[at:]))
        zf.writestr("library.json", data)
        zf.writestr("media/1.mp4", film)
    return path


def zeros_member(path: Path, size: int) -> Path:
    data = _data()
    facts = _facts_of(_fill(size, b"\x00"))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(_manifest({"library.json": _facts(data), "media/1.mp4": facts})))
        zf.writestr("library.json", data, compress_type=zipfile.ZIP_DEFLATED)
        _stream(zf, "media/1.mp4", _fill(size, b"\x00"))
    return path


def data_bomb(path: Path, size: int) -> Path:
    film = FILM_HEAD + bytes(100)
    text = _data()
    at = text.index(b'"tags": [') + len(b'"tags": [')
    head, tail = text[:at] + b'"', b'"' + text[at:]  # one long string in the list of tags
    facts = _facts_of(_fill(size, b" ", head, tail))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(_manifest({"library.json": facts, "media/1.mp4": _facts(film)})))
        _stream(zf, "library.json", _fill(size, b" ", head, tail))
        zf.writestr("media/1.mp4", film)
    return path


def many_members(path: Path, count: int) -> Path:
    film = FILM_HEAD
    data = _data()
    members = {"library.json": _facts(data)}
    names = [f"media/{n}.mp4" for n in range(1, count + 1)]
    members.update({n: _facts(film) for n in names})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(_manifest(members)))
        zf.writestr("library.json", data)
        for name in names:
            zf.writestr(name, film)
    return path


def deep_data(path: Path, depth: int) -> Path:
    return _plain(path, b"[" * depth + b"]" * depth, compress=zipfile.ZIP_STORED)  # stored: no ratio to catch it


def plain(path: Path) -> Path:
    """A well-formed bundle of one clip whose film is two tiny frames."""
    return _plain(path, _data())


def list_ref(path: Path) -> Path:
    people = [{"ref": "p1", "label": "Actor 1", "role": "actor", "consent": "team"}]
    clips = [{"member": "media/1.mp4", "title": "C", "start_us": 0, "end_us": 1_000_000,
              "people": [{"person": ["p1"], "ranges": []}]}]
    return _plain(path, _data(clips, people))


def list_member(path: Path) -> Path:
    clips = [{"member": ["media/1.mp4"], "title": "C", "start_us": 0, "end_us": 1_000_000},
             {"member": "media/1.mp4", "title": "D", "start_us": 0, "end_us": 1_000_000}]
    return _plain(path, _data(clips))


# -- a stored member of zeros, by hand: zip64, sparse on disk --------------------------------
def stored_zeros(path: Path, size: int, head: bytes = b"") -> Path:
    """``head`` (an MP4's first box, say) then zeros up to ``size`` bytes; only the head is written."""
    data = _data()
    crc, digest = zlib.crc32(head), hashlib.sha256(head)
    zeros = bytes(CHUNK)
    left = size - len(head)
    while left > 0:
        block = zeros[:min(CHUNK, left)]
        crc = zlib.crc32(block, crc)
        digest.update(block)
        left -= len(block)
    manifest = json.dumps(_manifest({"library.json": _facts(data),
                                     "media/1.mp4": {"sha256": digest.hexdigest(), "size": size}})).encode()
    entries = []
    with open(path, "wb") as fh:
        for name, body in (("manifest.json", manifest), ("library.json", data)):
            entries.append((name.encode(), fh.tell(), zlib.crc32(body), len(body), False))
            fh.write(_local(name.encode(), zlib.crc32(body), len(body), False))
            fh.write(body)
        offset = fh.tell()
        name = b"media/1.mp4"
        entries.append((name, offset, crc, size, True))
        fh.write(_local(name, crc, size, True))
        fh.write(head)
        fh.seek(size - len(head), 1)  # the zeros: a hole
        directory_at = fh.tell()
        for name, at, c, n, big in entries:
            fh.write(_central(name, at, c, n, big))
        directory_size = fh.tell() - directory_at
        end64_at = fh.tell()
        fh.write(b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, len(entries), len(entries),
                                              directory_size, directory_at))
        fh.write(b"PK\x06\x07" + struct.pack("<IQI", 0, end64_at, 1))
        fh.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), 0xFFFFFFFF,
                                              0xFFFFFFFF, 0))
    return path


def headed_zeros(path: Path, size: int) -> Path:
    """``size`` bytes stored as a film: an MP4's first box, then zeros."""
    return stored_zeros(path, size, FILM_HEAD)


def _local(name: bytes, crc: int, size: int, big: bool) -> bytes:
    extra = struct.pack("<HHQQ", 1, 16, size, size) if big else b""
    n = 0xFFFFFFFF if big else size
    return b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 45, 0, 0, 0, 0x21, crc, n, n, len(name), len(extra)) + name + extra


def _central(name: bytes, at: int, crc: int, size: int, big: bool) -> bytes:
    extra = struct.pack("<HHQQQ", 1, 24, size, size, at) if big else b""
    n = 0xFFFFFFFF if big else size
    offset = 0xFFFFFFFF if big else at
    return (b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 45, 45, 0, 0, 0, 0x21, crc, n, n, len(name), len(extra),
                                          0, 0, 0, 0, offset) + name + extra)
