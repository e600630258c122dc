"""What the command line says about an error nobody raised on purpose: one line, the right
exit status, never a traceback. Bad input (a folder that is missing, read-only or full, a
database that is not one) exits 2; anything else exits 1."""

from __future__ import annotations

import errno

from media.errors import BadInput, ProtoReelError, StorageError

# A folder or file the user named that cannot be used: bad input, like a wrong timecode.
_BAD_INPUT_ERRNOS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS,
                     errno.ENOSPC, errno.EDQUOT, errno.ENAMETOOLONG, errno.EEXIST, errno.ELOOP}


def unexpected(exc: BaseException) -> ProtoReelError:
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from app import db

    if isinstance(exc, OSError):
        where = exc.filename or "a file"
        reason = exc.strerror or str(exc)
        cls = BadInput if exc.errno in _BAD_INPUT_ERRNOS else StorageError
        return cls(f"{where}: {reason}")
    if isinstance(exc, DBAPIError):
        return db.explain(exc)
    if isinstance(exc, SQLAlchemyError):
        return StorageError(f"the library database: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    if isinstance(exc, MemoryError):
        return StorageError("not enough memory for this command; nothing more was changed")
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ProtoReelError(f"internal error ({type(exc).__name__}: {first}); "
                          "what was saved before it stays saved")
