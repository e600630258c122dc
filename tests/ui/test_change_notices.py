"""Views refresh what a change notice names, not everything."""

from app import reads
from app.clips import clips
from app.films import films, importing
from ui.clips.clip_list import COLUMNS


def test_the_clip_list_requeries_only_when_membership_can_change(qtbot, film_window, monkeypatch, tmp_path, counting_film):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Kept")
    model = w.clip_list.model
    model.index(0, COLUMNS.index("Film")).data()  # the row is on screen: its record is cached
    queries = []
    real = reads.clip_page
    monkeypatch.setattr(reads, "clip_page", lambda lib, filt, *a, **k: queries.append(filt) or real(lib, filt, *a, **k))
    copy = tmp_path / "another.mp4"
    copy.write_bytes(counting_film.read_bytes() + b"\0")  # different content: a new film
    importing.import_file(w.lib, copy)
    assert queries == []  # a new film cannot add or remove a clip
    films.rename(w.lib, w.film_id, "Renamed film")
    assert len(queries) == 1  # its clips may move: the list is in film-title order
    assert model.index(0, COLUMNS.index("Film")).data() == "Renamed film"  # and the row shows the new name
    clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="New")
    assert len(queries) == 1 and model.rowCount() == 2  # the new clip's row alone is placed
    assert reads.clip(w.lib, clip_id).film == "Renamed film"


def test_a_reel_is_planned_once_per_change(qtbot, film_window, monkeypatch):
    from app.reels import reels

    w = film_window
    ids = [clips.add(w.lib, w.film_id, a, a + 500_000, title=f"C{a}") for a in (0, 1_000_000, 2_000_000)]
    reel_id = reels.create(w.lib, "Once", [str(i) for i in ids])
    w.reel_builder.fill_reels(select=reel_id)
    built = []
    real = reads.reel_plan
    monkeypatch.setattr(reads, "reel_plan", lambda lib, rid: built.append(rid) or real(lib, rid))
    clips.update(w.lib, ids[0], title="Renamed")
    assert built == [reel_id]
    assert w.reel_builder.items_model.items[0].clip_title == "Renamed"
