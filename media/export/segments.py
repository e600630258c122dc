"""The reel cut into segments (cards and clips), each with exactly the frames and samples it
owes the encoder, and the one place where a segment's pictures and sound are produced.

A clip is decoded by its own short ffmpeg process: opened a measured lead before the in point
(``seeking``), trimmed by timestamp to the in point's frame, made upright by the film's
``Orientation`` (ffmpeg's own autorotation is off, so every viewer turns it the same way),
square-pixelled, letterboxed, set to the reel's rate, captioned, faded and cut to an exact
number of frames. Nothing is padded except what the film itself lacks (its sound ending
before its picture, say): any other shortfall reaches the feeder short and fails the export
naming the clip and film. A card is one picture, converted once and repeated.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg

from media.anonymise import stream as anonymise_stream
from media.anonymise.voice import voice_filter
from media.export import seeking
from media.export.pieces import EXTRA_SOURCE_US, Measured, Piece
from media.export.plan import PlanItem, ReelPlan
from media.export.stills import caption_margin, caption_path, card_path, speech_path
from media.reading import interlace
from media.reading.orientation import Orientation

US = 1_000_000
RATE = 48_000
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
END_SLACK_FRAMES = 1  # rounding at the very end of a film may leave the last reel frame to hold


def _sec(us: int | Fraction) -> str:
    return f"{float(Fraction(us) / US):.6f}"


class Layout:
    """Frames and samples per segment by cumulative rounding: the reel stays within half a
    frame of the exact sum however many items it has, and sound ends where picture does. A
    clip the reel shows frame for frame (its film at the reel's rate) gets exactly its own
    frames (``PlanItem.frame_for_frame``), so the MP4, the OTIO and the EDL agree on it."""

    def __init__(self, fps: Fraction) -> None:
        self.fps = fps
        self.elapsed = Fraction(0)  # seconds
        self.frames_done = 0
        self.samples_done = 0

    def next(self, duration_us: int, item: PlanItem | None = None, kind: str = "clip") -> tuple[int, int]:
        if kind == "clip" and item is not None and item.frame_for_frame(self.fps):
            frames_end = self.frames_done + item.frames.count
            self.elapsed = Fraction(frames_end) / self.fps
        else:
            self.elapsed += Fraction(duration_us, US)
            frames_end = max(round(self.elapsed * self.fps), self.frames_done + 1)
        samples_end = round(Fraction(frames_end) / self.fps * RATE)
        out = (frames_end - self.frames_done, samples_end - self.samples_done)
        self.frames_done, self.samples_done = frames_end, samples_end
        return out


@dataclass
class Segment:
    kind: str  # "opening", "card", "clip" or "closing"
    item: PlanItem | None
    frames: int
    samples: int
    plan: ReelPlan
    picture: Path | None = None  # a card's still, or a clip's caption
    speech: list[tuple[Path, int, int]] = field(default_factory=list)  # a clip's cue bands, from/to µs of the clip
    piece: Piece | None = None  # the clip's packets copied out of its film (``pieces``), if they could be
    _access: seeking.Access | None = field(default=None, repr=False)
    _in_us: int | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _done_by: int = field(default=0, repr=False)

    @property
    def label(self) -> str:
        if self.item is None or self.kind != "clip":
            return {"opening": "the opening card", "closing": "the closing card"}.get(
                self.kind, f"the title card before clip {self.item.clip_title!r}" if self.item else "a card")
        return f"clip {self.item.clip_title!r} of film {self.item.film_title!r}"

    @property
    def is_still(self) -> bool:
        return self.kind != "clip"

    def access(self) -> seeking.Access:
        """Measured once, by whichever of the two feeders gets here first."""
        with self._lock:
            if self._access is None:
                item = self.item
                self._access = seeking.measure(item.source, item.film_start_us, self.in_us, item.end_us,
                                               item.has_video, item.has_audio)
            return self._access

    @property
    def in_us(self) -> int:
        """Where the clip starts: the start of the film's frame on screen at its in point (the
        plan comes snapped to the film's own frames: ``media.reading.frame_index``)."""
        if self._in_us is None:
            self._in_us = self.item.start_us
        return self._in_us

    def set_measured(self, found: Measured) -> None:
        """What ``pieces`` found in the film, opened once for the whole export: the lazy
        paths above then never open it."""
        with self._lock:
            self._in_us = found.in_us
            self._access = seeking.Access(min(found.lead_us, found.in_us), found.video_end_us, found.audio_end_us)
            self.piece = found.piece

    def finished(self) -> None:
        """Called by each of the two feeders when done with this segment: the second one
        removes the clip's piece, so pieces never pile up on disk over a long reel."""
        with self._lock:
            self._done_by += 1
            if self._done_by == 2 and self.piece is not None:
                self.piece.path.unlink(missing_ok=True)

    @property
    def origin_us(self) -> int:
        """The in point in the decoders' own timestamps (``-copyts``): the film's, moved as
        far as the piece moved them."""
        return self.item.film_start_us + self.in_us + (self.piece.shift_us if self.piece else 0)

    # -- what the producers run ----------------------------------------------------------
    def still_command(self) -> list[str]:
        """One raw frame of the card, fitted to the reel's frame."""
        graph = f"[0:v]{fit(self.plan, None)},format=yuv420p[v]"
        return _decoder("-i", str(self.picture)) + ["-filter_complex", graph, "-map", "[v]", "-frames:v", "1",
                                                    "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]

    def video_command(self) -> list[str]:
        item, s = self.item, self.plan.settings
        fps = s.fps
        if item.has_video:
            access = self.access()
            lead = min(access.lead_us, self.in_us)
            tol = min(Fraction(1, 1000), Fraction(2, 5) / item.fps) if item.fps else Fraction(1, 1000)
            # Frames the film truly lacks before the out point are the last one held, as a player does.
            lacking = 0
            if access.video_end_us is not None and access.video_end_us < item.end_us:
                lacking = math.ceil(Fraction(item.end_us - access.video_end_us, US) * fps)
            inputs = ["-noautorotate", *self._open(lead)]
            turn = item.orientation.ffmpeg_filter()
            origin = self.origin_us
            # Frames are picked (rate, held end, count) at the film's size and only then turned
            # and scaled: the frames the rate filter and the pad hold stay small. Each reel frame
            # shows the film's frame on screen at its time (the one frame rule): the rate filter
            # rounds a frame's time up to the reel's grid and keeps the latest frame there, so a
            # 59.94 frame starting 16.7 ms after a 25 fps reel frame's time waits for the next.
            # Interlaced: deinterlaced first (bwdif needs the fields around the in point), one
            # picture a field when the reel shows more pictures a second than the film has
            # frames, else one a frame (media.reading.interlace says why).
            fields = f"{interlace.ffmpeg_filter(item.field_order, interlace.field_rate(item.fps, fps))}," \
                if item.field_order else ""
            # A clip the reel shows frame for frame (its film at the reel's rate) takes its own
            # frames one after another: a WebM's millisecond times (3.033, 3.067, 3.100 s) put
            # by time on a 30 fps grid would show frame 91 twice and never frame 93.
            if item.frame_for_frame(fps):
                timing = f"setpts=N/({fps}*TB)"
            else:
                # Rounded, not cut toward zero as setpts does: in a stream ticking once a frame
                # (an AVI at 23.976) the in point's frame is 0.00001 ticks before the in point
                # (its start rounded up to the microsecond), the next one 0.99999 after, and
                # cut both landed on 0: the reel began a frame late.
                timing = f"setpts=round(PTS-{_sec(origin)}/TB),fps={fps}:start_time=0:round=up"
            video = (f"[0:v]{fields}trim=start={float(Fraction(origin, US) - tol):.6f},{timing},"
                     f"tpad=stop_mode=clone:stop={lacking + END_SLACK_FRAMES},"
                     f"trim=end_frame={self.frames},{turn + ',' if turn else ''}{fit(self.plan, item)},format=yuv420p")
        else:  # sound only: black picture under it
            inputs = ["-f", "lavfi", "-i", f"color=c=black:s={self.plan.width}x{s.height}:r={fps}"]
            video = f"[0:v]setsar=1,format=yuv420p,trim=end_frame={self.frames}"
        if item.fade:
            fd = float(s.fade_seconds)
            out_at = max(self.frames / fps - fd, 0)
            video += f",fade=t=in:st=0:d={fd},fade=t=out:st={float(out_at):.6f}:d={fd}"
        anonymised = item is not None and bool(item.cover_faces) and item.has_video
        if self.picture is not None and not anonymised:
            inputs += ["-i", str(self.picture)]
            # One picture (the caption band); overlay keeps showing it to the clip's end.
            graph = (f"{video}[base];[base][1:v]overlay=0:H-h-{caption_margin(s.height)}:eof_action=repeat,"
                     "format=yuv420p[v]")
        elif self.speech:
            # What is said: each cue's band laid over its own stretch of the clip (``t`` counts from
            # the clip's first frame, which may begin a little before the in point).
            shift = item.start_us - self.in_us if item.has_video else 0
            chain, last = [f"{video}[s0]"], "s0"
            for k, (band, a, b) in enumerate(self.speech, 1):
                inputs += ["-i", str(band)]
                chain.append(f"[{last}][{k}:v]overlay=0:H-h-{caption_margin(s.height)}:eof_action=repeat:"
                             f"enable='between(t,{_sec(a + shift)},{_sec(b + shift - 1)})'[s{k}]")
                last = f"s{k}"
            graph = ";".join(chain) + f";[{last}]format=yuv420p[v]"
        else:
            graph = f"{video}[v]"
        # Finished frames wait for the encoder in a queue of two, not ffmpeg's eight.
        command = _decoder(*inputs) + ["-filter_complex", graph, "-map", "[v]", "-thread_queue_size", "2",
                                       "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]
        if anonymised:  # frames pass a face filter, which then lays the caption on top: faces
            # are covered in the picture, never the caption's words over them
            command = anonymise_stream.command(command, self.plan.width, s.height, s.fps, item.cover_faces,
                                               known=item.known_faces, caption=self.picture,
                                               caption_margin=caption_margin(s.height),
                                               enlarged=enlargement(self.plan, item))
        return command

    def audio_command(self) -> list[str] | None:
        """None: the segment is silent (a card, or a film without sound)."""
        item = self.item
        if item is None or self.kind != "clip" or not item.has_audio:
            return None
        access = self.access()
        lead = min(access.lead_us, self.in_us)
        lacking = 0
        # Where the sound ends: its last packet, or (a damaged film, found at import) where
        # decoding stops. Past it the film has no sound: silence, as for any film whose sound
        # stops before its picture.
        ends = [e for e in (access.audio_end_us, item.sound_end_us) if e is not None]
        if ends and min(ends) < item.end_us:
            lacking = math.ceil(Fraction(item.end_us - min(ends), US) * RATE)
        frame_samples = math.ceil(RATE / self.plan.settings.fps)
        origin = self.origin_us
        mask = voice_filter() + "," if item.mask_voice else ""  # anonymised: voices pitch-shifted
        chain = (f"{mask}atrim=start={_sec(origin)},asetpts=PTS-{_sec(origin)}/TB,"
                 # Sound that starts after the in point starts after it in the reel too.
                 f"aresample={RATE}:first_pts=0,aformat=sample_fmts=s16:channel_layouts=stereo,"
                 f"apad=pad_len={lacking + frame_samples},atrim=end_sample={self.samples}")
        if item.fade:
            fd = float(self.plan.settings.fade_seconds)
            chain += f",afade=t=in:st=0:d={fd},afade=t=out:st={max(self.samples / RATE - fd, 0):.6f}:d={fd}"
        return _decoder(*self._open(lead)) + ["-vn", "-af", chain, "-f", "s16le", "-ar", str(RATE), "-ac", "2",
                                              "pipe:1"]

    def _open(self, lead_us: int) -> list[str]:
        """Seek ``lead_us`` before the in point but keep the stream's own timestamps: ffmpeg
        and PyAV may disagree on where a program stream's time zero is, never on its
        timestamps. The trim in the graph then cuts exactly; the decoder is stopped once
        the segment has its bytes."""
        item = self.item
        if self.piece is not None:  # it starts where this seek would land and ends past the out point
            return ["-copyts", "-i", str(self.piece.path)]
        return ["-copyts", "-ss", _sec(self.in_us - lead_us), "-t",
                _sec(lead_us + item.end_us - self.in_us + EXTRA_SOURCE_US), "-i", str(item.source)]


def enlargement(plan: ReelPlan, item: PlanItem) -> float:
    """How much ``fit`` enlarges the film's picture (1 when it keeps or shrinks it). A face
    enlarged shows no more of itself than the film holds: the face filter judges its size in
    the film's own pixels."""
    w, h = item.orientation.upright_size(item.width, item.height)
    if not w or not h:
        return 1.0
    return max(1.0, min(plan.width / float(w * item.sar), plan.settings.height / h))


def fit(plan: ReelPlan, item: PlanItem | None) -> str:
    """Square pixels, letterboxed into the reel's frame (nothing when it already is)."""
    w, h = plan.width, plan.settings.height
    if item is not None and (item.width, item.height) == (w, h) and item.orientation.identity and item.sar == 1:
        return "setsar=1"
    return (f"scale=iw*sar:ih,setsar=1,scale={w}:{h}:force_original_aspect_ratio=decrease,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1")


def _decoder(*inputs: str) -> list[str]:
    # One thread: a segment decodes far faster than x264 encodes, and frame threads would
    # hold several extra full-size frames each. Warnings are kept (drained into a bounded log).
    return [FFMPEG, "-hide_banner", "-nostdin", "-v", "warning", "-threads", "1", "-filter_threads", "1", *inputs]


def plan_segments(plan: ReelPlan, work: Path) -> list[Segment]:
    layout = Layout(plan.settings.fps)
    segments = []
    for n, (kind, item, duration) in enumerate(plan.segments()):
        frames, samples = layout.next(duration, item, kind)
        if kind == "clip":
            caption = caption_path(work, n)
            bands = [(speech_path(work, n, k), a, b) for k, (a, b, _text) in enumerate(item.speech)]
            bands = [band for band in bands if band[0].exists()] if plan.speech_captioned(item) else []
            segments.append(Segment(kind, item, frames, samples, plan, caption if caption.exists() else None,
                                    speech=bands))
        else:
            segments.append(Segment(kind, item, frames, samples, plan, card_path(work, n)))
    return segments


__all__ = ["Layout", "Segment", "plan_segments", "fit", "Orientation", "RATE"]
