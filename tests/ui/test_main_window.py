from app.ops import films
from ui.main_window import MainWindow


def test_window_lists_the_films_and_refreshes_on_change(qtbot, lib, counting_film):
    window = MainWindow(lib)
    qtbot.addWidget(window)
    model = window.library_panel.model
    assert model.film_count() == 0
    film_id = films.import_file(lib, counting_film, event="Workshop 1").film_id
    assert model.film_count() == 1
    index = model.index_of(film_id)
    assert model.film(index).title == "counting"
    assert model.index(0, 0).data().startswith("Workshop 1")
    assert not index.data(1).isNull()  # thumbnail icon from the cache
    lib.undo()
    assert model.film_count() == 0
