"""Linking clips to prototypes by drop, the evidence board, and library-wide filters that
agree with the command line (one query layer)."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from app import queries
from app.clips import clips
from app import lookup
from app.people import people
from app.prototypes import prototypes
from tests.ui.driving import button, click


def add_clips(w):
    lib = w.lib
    return [
        clips.add(lib, w.film_id, 0, 1_000_000, title="Front desk", note="long queue",
                  tags=["challenge:Waiting and delay"]),
        clips.add(lib, w.film_id, 1_000_000, 2_000_000, title="Peer welcome", quote="I have been there too",
                  tags=["opportunity:Peer support"]),
        clips.add(lib, w.film_id, 2_000_000, 3_000_000, title="Both at once",
                  tags=["challenge:Waiting and delay", "opportunity:Peer support"]),
    ]


def test_drop_clips_on_a_prototype_links_them_and_fills_its_board(qtbot, film_window):
    w = film_window
    ids = add_clips(w)
    proto = prototypes.add(w.lib, "Welcome desk")
    panel = w.prototypes_panel
    panel.select(proto)
    model = w.clip_list.model
    mime = model.mimeData([model.index(model.row_of(ids[0]), 0), model.index(model.row_of(ids[1]), 0)])
    target = panel.list.visualItemRect(panel.list.item(0)).center()
    drop = QDropEvent(QPointF(target), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    panel.list.dropEvent(drop)
    with w.lib.read() as s:
        linked = queries.clip_ids(s, queries.ClipFilter(prototype_ids=[proto]))
    assert sorted(linked) == sorted(ids[:2])
    groups = [panel.board.topLevelItem(i).text(0) for i in range(panel.board.topLevelItemCount())]
    assert groups == ["Challenge: Waiting and delay  (1)", "Opportunity: Peer support  (1)"]
    w.undo_actions.undo.trigger()
    assert panel.board.topLevelItemCount() == 0


def test_gui_filters_agree_with_the_cli_query(qtbot, film_window):
    w = film_window
    ids = add_clips(w)
    people.add(w.lib, "Sam", "actor", "team")
    people.appears(w.lib, "Sam", [w.film_id])
    cl = w.clip_list
    with w.lib.read() as s:
        waiting, peer = lookup.tag(s, "Waiting and delay").id, lookup.tag(s, "Peer support").id

    def shown():
        return sorted(cl.model.ids)

    def cli(**names):
        with w.lib.read() as s:
            return sorted(queries.clip_ids(s, queries.resolve_filter(s, **names)))

    cl.set_tags([waiting, peer])
    assert shown() == [ids[2]] == cli(tags=["Waiting and delay", "Peer support"])
    cl.match.setCurrentIndex(1)  # any of
    assert shown() == sorted(ids) == cli(any_tags=["Waiting and delay", "Peer support"])
    cl.set_tags([])
    cl.search.setText("queue")
    cl.apply_filter()
    assert shown() == [ids[0]] == cli(text="queue")
    cl.search.setText("")
    cl.person_box.setCurrentIndex(cl.person_box.findData(1))
    assert shown() == sorted(ids) == cli(people=["Sam"])
    cl.kind_box.setCurrentIndex(cl.kind_box.findData("opportunity"))
    assert shown() == sorted(ids[1:]) == cli(people=["Sam"], kinds=["opportunity"])


def test_context_menu_links_the_selected_clips(qtbot, film_window):
    w = film_window
    ids = add_clips(w)
    proto = prototypes.add(w.lib, "Crisis café")
    view = w.clip_list.view
    view.selectRow(w.clip_list.model.row_of(ids[1]))
    w.clip_list._menu(view.visualRect(w.clip_list.model.index(0, 0)).center())
    link_menu = next(a.menu() for a in w.clip_list.last_menu.actions() if a.text() == "Link to prototype")
    next(a for a in link_menu.actions() if a.text() == "Crisis café").trigger()
    w.clip_list.last_menu.close()
    with w.lib.read() as s:
        assert queries.clip_ids(s, queries.ClipFilter(prototype_ids=[proto])) == [ids[1]]


def test_the_html_report_renders_with_its_stills(qtbot, film_window, tmp_path):
    """Rendered by Qt's HTML engine, as a browser would: every still must load."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QPainter, QTextDocument

    from app.prototypes import evidence

    w = film_window
    ids = add_clips(w)
    proto = prototypes.add(w.lib, "Welcome desk")
    prototypes.link(w.lib, proto, ids)
    page = evidence.write_html(w.lib, evidence.board(w.lib, proto), tmp_path / "report.html")
    doc = QTextDocument()
    doc.setBaseUrl(QUrl.fromLocalFile(str(page)))
    doc.setHtml(page.read_text(encoding="utf-8"))
    doc.setTextWidth(900)
    canvas = QImage(900, int(doc.size().height()) + 1, QImage.Format.Format_RGB32)
    canvas.fill(0xFFFFFFFF)
    painter = QPainter(canvas)
    doc.drawContents(painter)
    painter.end()
    import re

    sources = set(re.findall(r"<img src='([^']+)'", page.read_text(encoding="utf-8")))
    assert len(sources) == 3
    for src in sources:
        image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(src))
        assert not image.isNull() and image.width() > 100  # a QPixmap: loaded from disk
    assert "Peer welcome" in doc.toPlainText() and "I have been there too" in doc.toPlainText()


def test_a_reel_from_the_evidence_board(qtbot, film_window):
    w = film_window
    ids = add_clips(w)
    proto = prototypes.add(w.lib, "Welcome desk", "A peer at the front desk")
    prototypes.link(w.lib, proto, ids)
    w.prototypes_panel.select(proto)
    w.show_dock("prototypes")
    click(button(w.prototypes_panel, "Make a reel"))
    assert w.reel_builder.reel_id is not None
    titles = [i.clip_title for i in w.reel_builder.items_model.items]
    assert sorted(titles) == sorted(["Front desk", "Peer welcome", "Both at once"]) and len(titles) == 3
    assert w.reel_builder.subtitle.text() == "A peer at the front desk"


def test_the_report_is_written_on_a_worker(qtbot, film_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    w = film_window
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("The collaborative", True))
    proto = prototypes.add(w.lib, "Welcome desk")
    prototypes.link(w.lib, proto, add_clips(w))
    w.prototypes_panel.select(proto)
    out = tmp_path / "board.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    w.show_dock("prototypes")
    click(button(w.prototypes_panel, "Export report…"))
    with qtbot.waitSignal(w.prototypes_panel.job.done, timeout=30_000):
        pass
    import re

    stills = re.findall(r"src='data:image/jpeg;base64,([^']+)'", out.read_text(encoding="utf-8"))
    assert len(set(stills)) == 3  # one still per clip, inside the page
    with w.lib.read() as s:
        from app.models import ExportRecord

        (record,) = s.query(ExportRecord).all()
    assert (record.kind, record.audience, record.subject) == ("evidence", "collaborative", "Welcome desk")
