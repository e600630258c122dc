"""Each film's frame index (``media.reading.frame_index``): the one rule for which frame is on
screen, used by clips, marks, the player and every exporter.

The import writes it beside the film's thumbnails (``cache/<sha>/frames.idx``, a few bytes for
a film at a constant rate); a film imported before indexes were kept gets it read from its
packets the first time it is asked for (no decoding: about a second an hour of film) and kept.
Indexes asked for again come from memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.library import Library

INDEX_FILE = "frames.idx"  # as media.reading.frame_index (imported when needed: numpy stays out of an export's process)
KEEP = 16  # indexes kept in memory (a 3-hour film's is ~2.6 MB)
_memo: OrderedDict = OrderedDict()  # (library, sha256, start_us) -> FrameIndex
_lock = threading.Lock()


def frame_index(lib: Library, film, build: bool = True):
    """The frame index of ``film`` (a ``Film`` or a ``FilmRecord``); None for a film without
    picture, or whose file cannot be read. ``build`` False: only what is already kept (no
    reading of the film: for the GUI thread)."""
    if not film.has_video:
        return None
    key = (str(lib.root), film.sha256, film.start_us)
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    from media.reading.frame_index import FrameIndex, read_index

    kept = lib.cache_dir(film.sha256) / INDEX_FILE
    index = FrameIndex.load(kept, film.start_us)
    if index is None:
        if not build:
            return None
        path = lib.film_path(film)  # a team library's film may be this computer's own file
        if not path.is_file():
            return None
        index = read_index(path, film.start_us)
        if index is None:
            return None
        if kept.parent.is_dir():
            try:
                index.save(kept, film.start_us)
            except OSError:
                pass  # a read-only library still gets the right frames, read again next time
    with _lock:
        _memo[key] = index
        while len(_memo) > KEEP:
            _memo.popitem(last=False)
    return index
