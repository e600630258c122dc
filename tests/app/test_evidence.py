"""Evidence boards and the printable report, on real films."""

import base64
import csv
import re

import cv2
import numpy as np

from app.prototypes import evidence
from app.clips import clips
from app.films import importing
from app.prototypes import prototypes
from tests.conftest import sample


def stocked(lib):
    woman = importing.import_file(lib, sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg")).film_id
    man = importing.import_file(lib, sample("people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg")).film_id
    a = clips.add(lib, woman, 0, 1_000_000, title="Not looked at", quote="Take a seat and wait",
                  tags=["challenge:Not being listened to"])
    b = clips.add(lib, man, 500_000, 1_500_000, title="Repeats his story", tags=["challenge:Not being listened to",
                                                                              "opportunity:One point of contact"])
    c = clips.add(lib, man, 2_000_000, 2_900_000, title="Untagged moment")
    proto = prototypes.add(lib, "Welcome desk", "A peer worker at the front desk", "prototyping")
    prototypes.link(lib, proto, [a, b, c])
    return proto


def test_board_groups_by_challenge_and_opportunity_with_counts(lib):
    proto = stocked(lib)
    b = evidence.board(lib, proto)
    assert [(g.kind, g.tag, len(g.clips)) for g in b.groups] == [
        ("challenge", "Not being listened to", 2), ("opportunity", "One point of contact", 1),
        ("", "Not tagged yet", 1)]
    assert b.clip_count == 3


def test_csv_and_html_report_with_stills_that_load(lib, tmp_path):
    proto = stocked(lib)
    b = evidence.board(lib, proto)
    rows = list(csv.DictReader(open(evidence.write_csv(b, tmp_path / "board.csv"), encoding="utf-8")))
    assert len(rows) == 4
    assert {r["clip"]: r["quote"] for r in rows}["Not looked at"] == "Take a seat and wait"
    page = evidence.write_html(lib, b, tmp_path / "board.html").read_text(encoding="utf-8")
    sources = re.findall(r"<img src='data:image/jpeg;base64,([^']+)'", page)
    assert len(sources) == 4  # one per clip in each group (a clip in two groups shows twice)
    for src in set(sources):
        image = cv2.imdecode(np.frombuffer(base64.b64decode(src), np.uint8), cv2.IMREAD_COLOR)
        assert image is not None and image.shape[1] == 360  # a real still, decoded
    assert "“Take a seat and wait”" in page and "Challenge: Not being listened to" in page


def test_prototype_edits_are_undoable(lib):
    proto = stocked(lib)
    prototypes.update(lib, proto, stage="testing", summary="Tried at two GP surgeries")
    lib.undo()
    assert evidence.board(lib, proto).stage == "prototyping"
