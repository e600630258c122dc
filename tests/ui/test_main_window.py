from app.ops import films
from ui.main_window import MainWindow


def test_window_lists_the_films_and_refreshes_on_change(qtbot, lib, counting_film):
    window = MainWindow(lib)
    qtbot.addWidget(window)
    model = window.library_panel.model
    assert model.rowCount() == 0
    films.import_file(lib, counting_film, event="Workshop 1")
    assert model.rowCount() == 1
    assert model.film_at(0).title == "counting"
    assert not model.index(0, 0).data(1).isNull()  # thumbnail icon from the cache
    lib.undo()
    assert model.rowCount() == 0
