"""The bundle file: one zip a facilitator hands to a partner organisation's ProtoReel.

    manifest.json   format name and version, what the bundle is (subject, audience,
                    anonymisation, when), and the size and SHA-256 of every other member
    library.json    clips, tags, prototypes, people (pseudonyms and roles, never names), films
    media/N.mp4     each clip's picture and sound, cut frame-exactly (stored, not deflated)

Reading checks everything before the library is touched: a file that is not a zip, has no
manifest, names another format or a newer version, lacks a member, carries one not listed, or
whose member's size or hash differs (damaged, truncated) is refused with one line.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from media.errors import BadInput
from media.jobs import CancelToken

FORMAT = "protoreel-bundle"
VERSION = 1
SUFFIX = ".protoreel"
MANIFEST = "manifest.json"
DATA = "library.json"
CHUNK = 1 << 20
MAX_DATA_BYTES = 64 << 20  # a library.json larger than this is not one of ours


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
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open(member) as src, open(dest, "wb") as out:
                for block in iter(lambda: src.read(CHUNK), b""):
                    cancel.check()
                    digest.update(block)
                    out.write(block)
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise BadInput(f"{self.path.name}: the bundle could not be read ({exc})") from exc
        if digest.hexdigest() != self.manifest["members"][member]["sha256"]:
            raise BadInput(f"{self.path.name}: {member} changed while it was being imported; nothing was imported")
        return digest.hexdigest()


def read(path: Path | str, cancel: CancelToken | None = None) -> Bundle:
    """Open and verify a bundle, or raise ``BadInput`` saying in one line what is wrong."""
    cancel = cancel or CancelToken()
    path = Path(path).expanduser().absolute()
    name = path.name
    if not path.is_file():
        raise BadInput(f"{path}: no such file" if not path.exists() else f"{path}: is not a file")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if MANIFEST not in infos:
                raise BadInput(f"{name}: not a ProtoReel bundle (it has no manifest)")
            manifest = _json(zf.read(MANIFEST), name, MANIFEST)
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
                if _member_hash(zf, member, cancel) != facts["sha256"]:
                    raise BadInput(f"{name}: {member} does not match its SHA-256 in the manifest (the bundle is damaged)")
            if infos[DATA].file_size > MAX_DATA_BYTES:
                raise BadInput(f"{name}: {DATA} is too large to be a bundle's")
            data = _json(zf.read(DATA), name, DATA)
    except zipfile.BadZipFile:
        raise BadInput(f"{name}: not a ProtoReel bundle, or damaged or cut short (not a readable zip file)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise BadInput(f"{name}: the bundle cannot be read ({exc})") from None
    except OSError as exc:
        raise BadInput(f"{name}: the bundle cannot be read ({exc.strerror or exc})") from None
    return Bundle(path, manifest, data)


def _member_hash(zf: zipfile.ZipFile, member: str, cancel: CancelToken) -> str:
    digest = hashlib.sha256()
    with zf.open(member) as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            cancel.check()
            digest.update(block)
    return digest.hexdigest()


def _json(raw: bytes, name: str, member: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadInput(f"{name}: {member} is not readable JSON (the bundle is damaged)") from None


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
