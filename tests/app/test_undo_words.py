"""Undo's refusals name things as people know them, never a table or a row number."""

from app.models import Base, is_search_index
from app.undo import THINGS


def test_every_table_has_a_name_people_know():
    tables = {name for name in Base.metadata.tables if not is_search_index(name)}
    assert tables <= set(THINGS), sorted(tables - set(THINGS))
    assert not any("_" in words for words in THINGS.values())
