"""The bundle file: one zip a facilitator hands to a partner organisation's ProtoReel.

    manifest.json   format name and version, what the bundle is (subject, audience,
                    anonymisation, when), and the size and SHA-256 of every other member
    library.json    clips, tags, prototypes, people (pseudonyms and roles, never names), films
    media/N.mp4     each clip's picture and sound, cut frame-exactly (stored, not deflated)

Reading checks everything before the library is touched: a file that is not a zip, has no
manifest, names another format or a newer version, lacks a member, carries one not listed, or
whose member's size or hash differs (damaged, truncated) is refused with one line.

Limits first, from the zip's own directory, before any member is read: how many members (read
from the end record, before the directory itself is parsed), each one's size and its
compression ratio (the manifest and library.json are small JSON; films are stored, never
compressed), no encrypted member, no name twice, no member no clip uses. Then every read is
streamed and counted against the size the directory gave, so a bomb is refused in moments,
whatever it would expand to, and nothing of it reaches the disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from media import oslayer
from media.errors import BadInput
from media.jobs import CancelToken
from media.reading.probe import FileWindow, film_problem
from media.safe_io import regular_file

FORMAT = "protoreel-bundle"
VERSION = 1
SUFFIX = ".protoreel"
MANIFEST = "manifest.json"
DATA = "library.json"
CHUNK = 1 << 20
MAX_CLIPS = 10_000  # an event's clips for a partner: thousands at the very most
MAX_MEMBERS = MAX_CLIPS + 2  # the manifest, library.json and a film per clip
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 200  # the zip's own directory (a member's entry is ~70 bytes)
MAX_MANIFEST_BYTES = MAX_MEMBERS * 200  # a member's line in the manifest is ~130 bytes
MAX_DATA_BYTES = 16 << 20  # library.json: ~2 kB a clip; larger is not one of ours
MAX_MEDIA_BYTES = 64 << 30  # one clip's cut film (a whole 2-hour 1080p film is ~8 GB)
MAX_RATIO = 100  # how far a compressed member may expand (JSON deflates ~5-20x; zeros ~1000x)
FILM_SIGNATURES = (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide")  # an MP4's first box, at offset 4


def write(path: Path, manifest: dict, data: dict, media: dict[str, Path], cancel: CancelToken) -> None:
    """Write the zip at ``path``: ``media`` maps member names to the cut files."""
    data_bytes = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    members = {DATA: {"sha256": hashlib.sha256(data_bytes).hexdigest(), "size": len(data_bytes)}}
    for name, file in media.items():
        members[name] = {"sha256": _hash_file(file, cancel), "size": file.stat().st_size}
    manifest = {"format": FORMAT, "version": VERSION, **manifest, "members": members}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        zf.writestr(DATA, data_bytes, compress_type=zipfile.ZIP_DEFLATED)
        for name, file in media.items():  # video does not deflate: stored, read back at disk speed
            cancel.check()
            zf.write(file, name, compress_type=zipfile.ZIP_STORED)


def _hash_file(path: Path, cancel: CancelToken) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            cancel.check()
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Bundle:
    """A bundle whose every member was checked against its manifest."""

    path: Path
    manifest: dict
    data: dict

    def extract(self, member: str, dest: Path, cancel: CancelToken) -> str:
        """Copy a media member out to ``dest``; returns its SHA-256 (checked again: the file
        may have changed since it was verified)."""
        digest = hashlib.sha256()
        left = self.manifest["members"][member]["size"]  # never more than was checked, whatever it says now
        try:
            regular_file(self.path, "a bundle is read only from a file")
            with zipfile.ZipFile(self.path) as zf, zf.open(member) as src, open(dest, "xb") as out:
                while left > 0 and (block := src.read(min(CHUNK, left))):
                    cancel.check()
                    digest.update(block)
                    out.write(block)
                    left -= len(block)
        except (OSError, zipfile.BadZipFile, KeyError, RuntimeError) as exc:
            raise BadInput(f"{self.path.name}: the bundle could not be read ({exc})") from exc
        if digest.hexdigest() != self.manifest["members"][member]["sha256"]:
            raise BadInput(f"{self.path.name}: {member} changed while it was being imported; nothing was imported")
        return digest.hexdigest()


def read(path: Path | str, cancel: CancelToken | None = None) -> Bundle:
    """Open and verify a bundle, or raise ``BadInput`` saying in one line what is wrong."""
    cancel = cancel or CancelToken()
    path = Path(path).expanduser().absolute()
    name = path.name
    if regular_file(path, "a bundle is read only from a file") is None:
        raise BadInput(f"{path}: no such file")
    try:
        with _open_regular(path) as fh:
            _check_end_record(fh, name)
            with zipfile.ZipFile(fh) as zf:
                infos = _check_directory(zf, name, os.fstat(fh.fileno()).st_size)
                manifest = _json(_read_member(zf, infos[MANIFEST], MAX_MANIFEST_BYTES, name), name, MANIFEST)
                _check_manifest(manifest, name)
                members = manifest["members"]
                extra = sorted(set(infos) - set(members) - {MANIFEST})
                if extra:
                    raise BadInput(f"{name}: {extra[0]} is in the bundle but not in its manifest; it is not imported")
                for member, facts in members.items():
                    if member not in infos:
                        raise BadInput(f"{name}: {member} is missing (the bundle is damaged or cut short)")
                    if infos[member].file_size != facts["size"]:
                        raise BadInput(f"{name}: {member} has {infos[member].file_size} bytes, the manifest says "
                                       f"{facts['size']} (the bundle is damaged)")
                raw = _read_member(zf, infos[DATA], MAX_DATA_BYTES, name)
                if hashlib.sha256(raw).hexdigest() != members[DATA]["sha256"]:
                    raise BadInput(f"{name}: {DATA} does not match its SHA-256 in the manifest (the bundle is damaged)")
                data = _json(raw, name, DATA)
                del raw
                films = sorted(set(members) - {DATA})
                _check_used(data, films, name)
                for member in films:  # a glance at each film before any is read whole
                    _check_film_start(zf, infos[member], name)
                for member in films:  # then FFmpeg opens it where it lies, reading a few packets
                    _check_film_opens(fh, infos[member], name)
                for member in films:
                    if _member_hash(zf, infos[member], cancel) != members[member]["sha256"]:
                        raise BadInput(f"{name}: {member} does not match its SHA-256 in the manifest "
                                       "(the bundle is damaged)")
    except zipfile.BadZipFile:
        raise BadInput(f"{name}: not a ProtoReel bundle, or damaged or cut short (not a readable zip file)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as exc:
        raise BadInput(f"{name}: the bundle cannot be read ({exc})") from None
    except OSError as exc:
        raise BadInput(f"{name}: the bundle cannot be read ({exc.strerror or exc})") from None
    return Bundle(path, manifest, data)


def _open_regular(path: Path):
    """The bundle opened without blocking (had a FIFO taken its place since it was looked at)
    and checked to be a regular file by what was opened."""
    fd = os.open(path, oslayer.input_flags())
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise BadInput(f"{path}: is not a file; a bundle is read only from a file")
    return os.fdopen(fd, "rb")


_END = b"PK\x05\x06"
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"


def _check_end_record(fh, name: str) -> None:
    """The member count and the directory's size, read from the zip's end record (and its
    zip64 record) before ``zipfile`` reads the directory itself: 100,000 members are refused
    without making 100,000 entries in memory."""
    size = fh.seek(0, os.SEEK_END)
    tail_at = max(0, size - (22 + 65535))
    fh.seek(tail_at)
    tail = fh.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("no end record")
    count, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = tail.rfind(_END64_LOCATOR, 0, at)
    if locator >= 0 and at - locator == 20:  # zip64: the real figures are in its own record
        (record_at,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
        if record_at > size - 56:
            raise zipfile.BadZipFile("bad zip64 end record")
        fh.seek(record_at)
        record = fh.read(56)
        if record[:4] != _END64:
            raise zipfile.BadZipFile("bad zip64 end record")
        count, directory = struct.unpack("<QQ", record[32:48])
    if count > MAX_MEMBERS:
        raise BadInput(f"{name}: {count:,} members; a bundle has at most {MAX_MEMBERS:,} (a film per clip, "
                       "its manifest and its library.json); it is not imported")
    if directory > MAX_DIRECTORY_BYTES:
        raise BadInput(f"{name}: its zip directory is {directory:,} bytes, far more than a bundle's; it is not imported")
    fh.seek(0)


def _check_directory(zf: zipfile.ZipFile, name: str, file_size: int) -> dict[str, zipfile.ZipInfo]:
    """Every member's name, size, compression and ratio, from the zip's directory alone."""
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        member = info.filename
        if member in infos:
            raise BadInput(f"{name}: {member!r} is in the bundle twice; it is not imported")
        if member != MANIFEST and not safe_member(member):
            raise BadInput(f"{name}: the member name {member!r} is not allowed in a bundle")
        if info.flag_bits & 0x1:
            raise BadInput(f"{name}: {member} is encrypted; a bundle's members never are")
        if member in (MANIFEST, DATA):
            limit = MAX_MANIFEST_BYTES if member == MANIFEST else MAX_DATA_BYTES
            if info.file_size > limit:
                raise BadInput(f"{name}: {member} is {info.file_size:,} bytes, far more than a bundle's "
                               f"(at most {limit:,}); it is not imported")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BadInput(f"{name}: {member} is compressed in a way bundles never are; it is not imported")
        else:
            if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
                raise BadInput(f"{name}: {member} is compressed; a bundle's films are stored as they are "
                               "(the bundle is damaged or not from ProtoReel)")
            if info.file_size > MAX_MEDIA_BYTES:
                raise BadInput(f"{name}: {member} is {info.file_size:,} bytes, more than any clip's film; "
                               "it is not imported")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) + 1024:
            raise BadInput(f"{name}: {member} would expand {info.file_size // max(info.compress_size, 1):,} times "
                           "(a zip bomb?); it is not imported")
        if info.compress_size > file_size:
            raise BadInput(f"{name}: {member} is larger than the bundle file (damaged or cut short)")
        infos[member] = info
    if MANIFEST not in infos:
        raise BadInput(f"{name}: not a ProtoReel bundle (it has no manifest)")
    if DATA not in infos:
        raise BadInput(f"{name}: the bundle has no {DATA} (it is damaged)")
    return infos


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """A small member read whole, never more than ``limit`` bytes, whatever it says."""
    parts, size = [], 0
    with zf.open(info) as fh:
        while block := fh.read(min(CHUNK, limit + 1 - size)):
            parts.append(block)
            size += len(block)
            if size > limit:
                raise BadInput(f"{name}: {info.filename} is larger than a bundle's; it is not imported")
    return b"".join(parts)


def _check_used(data, films: list[str], name: str) -> None:
    """Every film in the bundle belongs to a clip: a member nothing uses is not carried along."""
    clips = data.get("clips") if isinstance(data, dict) else None
    used = {c.get("member") for c in clips if isinstance(c, dict) and isinstance(c.get("member"), str)} \
        if isinstance(clips, list) else set()
    unused = [m for m in films if m not in used]
    if unused:
        raise BadInput(f"{name}: {unused[0]} is in the bundle but no clip uses it"
                       f"{f' (and {len(unused) - 1:,} more)' if len(unused) > 1 else ''}; it is not imported")


def _check_film_start(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    with zf.open(info) as fh:
        head = fh.read(12)
    if head[4:8] not in FILM_SIGNATURES:
        raise BadInput(f"{name}: {info.filename} is not an MP4 film (the bundle is damaged or not from "
                       "ProtoReel); it is not imported")


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length (30 bytes)


def _check_film_opens(fh, info: zipfile.ZipInfo, name: str) -> None:
    """A stored film read in place (its bytes follow its local header in the bundle file): a
    member that only starts like an MP4 (its first box, then gigabytes of zeros) is refused
    here, in a moment, before it is hashed or copied out."""
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise BadInput(f"{name}: {info.filename} cannot be found where the directory says (the bundle is damaged)")
    name_len, extra_len = _LOCAL_HEADER.unpack(head)[1:]
    start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    problem = film_problem(FileWindow(fh, start, info.file_size))
    if problem:
        raise BadInput(f"{name}: {info.filename} is not a film ({problem}); nothing was imported")


def _member_hash(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cancel: CancelToken) -> str:
    digest = hashlib.sha256()
    left = info.file_size
    with zf.open(info) as fh:
        while left > 0 and (block := fh.read(min(CHUNK, left))):
            cancel.check()
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def _json(raw: bytes, name: str, member: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadInput(f"{name}: {member} is not readable JSON (the bundle is damaged)") from None
    except RecursionError:
        raise BadInput(f"{name}: {member} is nested too deeply to be a bundle's (it is damaged)") from None


def _check_manifest(manifest, name: str) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInput(f"{name}: not a ProtoReel bundle (its manifest names another format)")
    version = manifest.get("version")
    if not isinstance(version, int) or version < 1:
        raise BadInput(f"{name}: the manifest's format version {version!r} is not valid")
    if version > VERSION:
        raise BadInput(f"{name}: made by a newer ProtoReel (bundle format {version}; this version reads up to "
                       f"{VERSION}); update ProtoReel to import it")
    members = manifest.get("members")
    if not isinstance(members, dict) or DATA not in members:
        raise BadInput(f"{name}: the manifest lists no {DATA} (the bundle is damaged)")
    for member, facts in members.items():
        if not safe_member(member):
            raise BadInput(f"{name}: the member name {member!r} is not allowed in a bundle")
        if (not isinstance(facts, dict) or not isinstance(facts.get("size"), int)
                or not isinstance(facts.get("sha256"), str) or len(facts["sha256"]) != 64):
            raise BadInput(f"{name}: the manifest's entry for {member} is not valid (the bundle is damaged)")


def safe_member(member) -> bool:
    """A member name that stays inside the bundle's own folders (no ``..``, no absolute path)."""
    if not isinstance(member, str) or not member or "\\" in member or "\x00" in member:
        return False
    parts = PurePosixPath(member).parts
    return not member.startswith("/") and ".." not in parts and (member == DATA or (
        len(parts) == 2 and parts[0] == "media" and parts[1].endswith(".mp4")))
