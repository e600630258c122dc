"""The timeline, split by job:

- ``lanes``       the film's clips as data, packed onto lanes
- ``viewport``    zoom and scroll: time <-> pixels (no Qt)
- ``marks``       in/out marks on frame boundaries, and why a mark is refused
- ``bands``       the bands' heights and a clip's box
- ``interaction`` hit testing, edge trimming, seeking by mouse
- ``media_band``  thumbnails and waveform, drawn once per view and cached
- ``film_media``  a film's cached thumbnail pages and waveform peaks (the evidence board uses them too)
- ``page_loader`` thumbnail pages read off the GUI thread
- ``painting``    ruler, marks, clips, playhead
- ``widget``      the QWidget wiring them together
"""

from ui.timeline.widget import Timeline

__all__ = ["Timeline"]
