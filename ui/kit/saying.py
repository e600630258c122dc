"""Words for the status bar: what an edit changed, said the same way by every panel
("Reel “Tuesday”: audience public, title “Tuesday review”.")."""

from __future__ import annotations

from app.wording import numbered, plural, plural_of, possessive  # noqa: F401 - the panels say words through here

LABELS = {
    "card_text": "title card", "fps": "frame rate", "height": "size", "note": "notes", "quote": "quote",
    "subtitle": "subtitle", "opening_card": "opening card", "closing_credits": "closing credits",
}
SHORT = 40  # longer texts (notes) are not repeated back, only said to be saved


def quoted(text: str) -> str:
    return f"“{text}”"


def field_said(name: str, value) -> str:
    label = LABELS.get(name, name.replace("_", " "))
    if isinstance(value, bool):
        return f"{label} {'on' if value else 'off'}"
    if value is None or value == "":
        return f"{label} cleared" if name != "fps" else f"{label} automatic"
    if isinstance(value, str):
        return f"{label} {quoted(value)}" if len(value) <= SHORT and "\n" not in value else f"{label} saved"
    if name == "height":
        return f"{label} {value}p"
    return f"{label} {value}"


def fields_said(fields: dict) -> str:
    return ", ".join(field_said(k, v) for k, v in fields.items())


def edit_said(what: str, fields: dict) -> str:
    """``what`` names the thing (“Reel “Tuesday””); the fields say what changed."""
    return f"{what}: {fields_said(fields)}."

