"""What an operation changed: the report views refresh from (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Tables and row ids touched by one operation, an undo or a redo."""

    name: str
    ids: dict[str, frozenset] = field(default_factory=dict)  # table -> primary keys touched
    # table -> ids of rows that the touched rows refer to: a consent record added names its
    # person here, a note typed its review, so a view of people or reviews reads just those.
    owners: dict[str, frozenset] = field(default_factory=dict)

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.ids)

    def touches(self, *tables: str) -> bool:
        return any(t in self.ids for t in tables)

    def ids_of(self, table: str) -> frozenset:
        return self.ids.get(table, frozenset())

    def about(self, table: str) -> frozenset:
        """Rows of ``table`` changed themselves or through a row that refers to them."""
        return self.ids_of(table) | self.owners.get(table, frozenset())

    @property
    def empty(self) -> bool:
        return not self.ids
