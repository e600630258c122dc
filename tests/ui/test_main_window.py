from app.films import importing
from tests.ui.driving import answering, choose, film_menu, menu_item
from ui.shell.main_window import MainWindow


def test_window_lists_the_films_and_refreshes_on_change(qtbot, lib, counting_film):
    window = MainWindow(lib)
    qtbot.addWidget(window)
    model = window.library_panel.model
    assert model.film_count() == 0
    film_id = importing.import_file(lib, counting_film, event="Workshop 1").film_id
    assert model.film_count() == 1
    index = model.index_of(film_id)
    assert model.film(index).title == "counting"
    assert model.index(0, 0).data().startswith("Workshop 1")
    assert not index.data(1).isNull()  # thumbnail icon from the cache
    lib.undo()
    assert model.film_count() == 0


def test_rename_and_move_films_between_events_from_the_library(qtbot, window, counting_film):
    film_id = importing.import_file(window.lib, counting_film, event="Workshop 1").film_id
    panel = window.library_panel
    index = panel.model.index_of(film_id)
    assert panel.model.setData(index, "Role-play 1: reception")
    assert panel.model.film(panel.model.index_of(film_id)).title == "Role-play 1: reception"
    menu = film_menu(window, film_id)
    with answering(choose("Breakfast review")):
        menu_item(menu, "Move the film to event").trigger()
    menu.close()
    assert panel.model.film(panel.model.index_of(film_id)).event == "Breakfast review"
    window.undo_actions.undo.trigger()
    window.undo_actions.undo.trigger()
    film = panel.model.film(panel.model.index_of(film_id))
    assert (film.title, film.event) == ("counting", "Workshop 1")
