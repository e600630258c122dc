"""A library holds names, roles and consent of people who use mental-health services: only its
owner may read it. Folders 700, the database and its -wal/-shm files 600, whatever the umask;
an older library is tightened when it is opened.

Hands off what is not ours: modes are changed only of what ProtoReel creates, or inside a
folder that already is a library. A folder that is neither new, empty nor a library (``/tmp``,
a home folder, someone's project) is refused before anything is made or changed in it, and so
is a folder anyone may write to, a device or a FIFO where a folder or a database file should be.
A database file named by URL outside the library keeps the mode its owner gave it (a new one is
created 600).

The same care for the app's own files outside a library (logs, settings): ``private_folder``
and ``open_private``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from app.wording import plural
from media import oslayer
from media.errors import BadInput
from media.safe_io import kind_of

FOLDER_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_FOLDERS = ("media", "cache", "exports", ".tmp")
DATABASE_FILES = ("library.db", "library.db-wal", "library.db-shm")
# Everything a library folder holds of its own: a folder holding only these is a library that
# was being made when something stopped it.
LIBRARY_NAMES = {*PRIVATE_FOLDERS, *DATABASE_FILES, "library.db-journal", "recordings"}


def prepare(root: Path, database: Path | None) -> list[Path]:
    """Make ``root`` a library folder, or check that it is one: refused (``BadInput``, nothing
    made or changed) when it cannot be one. Then its folders exist, 700, and a SQLite database
    file inside it (or a new one elsewhere) exists, 600. Returns what it made, in the order it
    made it, for ``unmake`` should the library not open after all."""
    where = f"library folder {root}"
    made: list[Path] = []
    _check_database(database)
    st = _look_at(root, where)
    if st is None:
        # New: every folder and file below is ours.
        _make_new(root, where, made)
    elif not stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{where}: is {kind_of(st.st_mode)}, not a folder")
    elif is_library(root):
        tighten(root)  # an older library, or one whose modes were loosened: ours to tighten
    else:
        entries = _entries(root, where)
        if entries:
            raise BadInput(f"{where}: not a ProtoReel library and not empty ({plural(len(entries), 'thing')} in it, "
                           f"such as {sorted(entries)[0]!r}); give a new or empty folder, or an existing library")
        if oslayer.others_may_write(st):
            raise BadInput(f"{where}: anyone on this computer may write in it (mode {stat.S_IMODE(st.st_mode):o}); "
                           "a library needs a folder of your own (give a new folder inside it)")
        if oslayer.someone_elses(st):
            raise BadInput(f"{where}: belongs to another user; a library needs a folder of your own")
        tighten(root)  # empty and yours: it becomes the library
    try:
        for name in PRIVATE_FOLDERS:
            _make_folder(root / name, where, made)
        if database is not None and database.parent.is_dir():
            _create_database_file(database, where, made)
    except BaseException:
        unmake(made)
        raise
    return made


def prepare_shared(root: Path, folders: list[Path]) -> list[Path]:
    """A team library's shared media folder as this computer sees it: made if new (private, as
    any new folder of ours), and ``folders`` in it made where missing. What the team already has
    keeps the access the team gave it: nothing there is tightened. Returns what it made, for
    ``unmake``."""
    where = f"library folder {root} (a team library's shared media folder)"
    made: list[Path] = []
    st = _look_at(root, where)
    if st is None:
        _make_new(root, where, made)
    elif not stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{where}: is {kind_of(st.st_mode)}, not a folder")
    try:
        for folder in folders:
            _make_folder(folder, where, made)
    except BaseException:
        unmake(made)
        raise
    return made



def _look_at(root: Path, where: str) -> os.stat_result | None:
    """``root``'s own status (a link is not followed), or None if it is not there yet."""
    try:
        return os.lstat(root)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise BadInput(f"{where}: cannot be used ({exc.strerror})") from exc


def unmake(made: list[Path]) -> None:
    """Take away what ``prepare`` made (a library that could not be opened leaves nothing):
    its files (the database SQLite may have begun, with its -wal/-shm/-journal) and folders,
    last made first; a folder something else was put into meanwhile stays."""
    for path in reversed(made):
        try:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                for suffix in ("-wal", "-shm", "-journal"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
                path.unlink(missing_ok=True)
        except OSError:
            pass


def is_library(root: Path) -> bool:
    """Whether ``root`` already is a library: its database file is there (checked to be a
    ProtoReel database before this is asked: ``app.db.refuse_someone_elses``), or it holds
    nothing but a library's own names (a library whose database lives elsewhere, or one that
    was being made). A folder with media, cache and exports folders among other things
    (someone's web project) is not one."""
    if _is(root / "library.db", stat.S_ISREG):
        return True
    try:
        names = set(os.listdir(root))
    except OSError:
        return False
    return bool(names) and names <= LIBRARY_NAMES


def _is(path: Path, test) -> bool:
    try:
        return test(os.lstat(path).st_mode)
    except OSError:
        return False


def _entries(root: Path, where: str) -> list[str]:
    try:
        return os.listdir(root)
    except OSError as exc:
        raise BadInput(f"{where}: cannot be read ({exc.strerror})") from exc


def _check_database(database: Path | None) -> None:
    if database is None:
        return
    try:
        st = os.stat(database)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise BadInput(f"library database {database}: cannot be used ({exc.strerror})") from exc
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(f"library database {database}: is {kind_of(st.st_mode)}, not a database file; "
                       "it was left as it is")


def _make_new(root: Path, where: str, made: list[Path]) -> None:
    missing = [p for p in [root, *root.parents] if not os.path.lexists(p)]
    try:
        for above in reversed(missing[1:]):  # the folders above keep the usual modes
            above.mkdir()
            made.append(above)
    except OSError as exc:
        unmake(made)
        raise BadInput(f"{where}: cannot be created or written ({exc.strerror or 'a file is in the way'})") from exc
    try:
        root.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        unmake(made)
        raise BadInput(f"{where}: appeared while it was being made; try again") from None
    except OSError as exc:
        unmake(made)
        raise BadInput(f"{where}: cannot be created or written ({exc.strerror})") from exc
    made.append(root)
    oslayer.set_mode(root, FOLDER_MODE)  # whatever the umask


def _make_folder(path: Path, where: str, made: list[Path]) -> None:
    try:
        path.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return  # already there: tightened with the library, if it is a folder of ours
    except OSError as exc:
        raise BadInput(f"{where}: cannot be created or written ({exc.strerror})") from exc
    made.append(path)
    oslayer.set_mode(path, FOLDER_MODE)


def _create_database_file(path: Path, where: str, made: list[Path]) -> None:
    """Create an empty database file 600 before SQLite does (it would use the umask, often 644;
    SQLite then gives the -wal and -shm files the database file's mode). An existing file is
    left as it is (inside a library, ``tighten`` took care of it)."""
    try:
        os.close(os.open(path, oslayer.exclusive_create_flags(), FILE_MODE))
    except FileExistsError:
        return
    except OSError as exc:
        raise BadInput(f"{where}: cannot be created or written ({exc.strerror})") from exc
    made.append(path)


def tighten(root: Path) -> None:
    """Folders of the library 700, database files 600 (only what is too open is changed; a
    link inside the library is not followed: what it points at is not ours)."""
    _chmod(root, FOLDER_MODE)
    for name in PRIVATE_FOLDERS:
        _chmod(root / name, FOLDER_MODE)
    for name in DATABASE_FILES:
        _chmod(root / name, FILE_MODE)


def tighten_file(path: Path) -> None:
    """One file only its owner may read (600), if it is more open than that."""
    _chmod(path, FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    oslayer.narrow_mode(path, mode)  # group or others may read: taken away (never through a link)


# -- the app's own files outside a library: logs, settings ------------------------------------
def private_folder(path: Path, ours: bool = True) -> Path:
    """``path`` made if missing (700, with the folders above it as usual). An existing folder is
    tightened only when it is ``ours`` (the app's own folder by name, not one a setting named)."""
    path = Path(path)
    try:
        path.mkdir(mode=FOLDER_MODE)
        created = True
    except FileExistsError:
        created = False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        created = True
    if created or ours:
        _chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> None:
    """A file of the app's own (a log, the settings) made 600, or narrowed to 600 if it is
    there (never through a link)."""
    path = Path(path)
    try:
        os.close(os.open(path, oslayer.own_file_flags(append=True), FILE_MODE))
    except OSError:
        return  # a link, or a folder that cannot be written: left as it is
    _chmod(path, FILE_MODE)


def open_private(path: Path, mode: str = "a", encoding: str | None = "utf-8", buffering: int = -1):
    """``open()`` for a file of the app's own, created 600 (not by the umask) and kept 600."""
    fd = os.open(path, oslayer.own_file_flags(append="a" in mode), FILE_MODE)
    try:
        oslayer.narrow_open_file(fd, FILE_MODE)
        return os.fdopen(fd, mode, encoding=None if "b" in mode else encoding, buffering=buffering)
    except BaseException:
        os.close(fd)
        raise
