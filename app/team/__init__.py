"""A team library: one PostgreSQL database that several facilitators' computers open at once,
plus a shared media folder each computer reaches at its own path (its media root).

``machine.py`` keeps what belongs to one computer and never goes into the shared database
(the media root, films played from a file of this computer's own); ``notices.py`` hears the
other computers' changes (LISTEN/NOTIFY); ``opening.py`` turns ``--library URL`` and
``--media-root DIR`` into the library to open.
"""
