"""Names never leave the library: a person's name typed into free text (a clip's title or
quote, a reel's title, a review's question, a film's file name) is refused on every way out,
however it is spelt; a first name alone is only a warning. Each leak as a tester found it."""

import shutil
from fractions import Fraction

import pytest

from app.prototypes import evidence
from app.reviews import review_summary
from app.cli.main import main
from app.models import ExportRecord, Review
from app.ways_out.name_guard import Guard, NameRefused, Text
from app.bundles import bundle_export
from app.clips import clips
from app.reels import export, reels
from app.films import films, importing
from app.people import people
from app.prototypes import prototypes
from app.reviews import review_records, reviews
from media import timecode
from tests.app.test_consent_leaks import out  # noqa: F401 (the shared output folder)
from tests.media_factory import make_counting_film

FPS = Fraction(25)
REEL_FORMATS = ("r.srt", "r.vtt", "r.csv", "r.otio", "r.edl", "r.mp4")
MARGARET = "Margaret Okonkwo"


@pytest.fixture(scope="module")
def films_on_disk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("name-films")
    plain = make_counting_film(folder / "kitchen.mp4", seconds=2, fps=FPS, gop=25, preset="veryfast")
    named = folder / "Tariq Bashir GP consult.mp4"
    shutil.copy(plain, named)
    with open(named, "ab") as fh:  # another file (another hash), same pictures
        fh.write(b"\0" * 16)
    return plain, named


@pytest.fixture
def stocked(lib, films_on_disk):
    """A clip on a plain film in a prototype; Margaret and Tariq are people of the library
    (public consent, on no clip: their names are guarded all the same)."""
    film = importing.import_file(lib, films_on_disk[0]).film_id
    clip = clips.add(lib, film, 0, timecode.frame_start_us(25, FPS), title="At the desk", quote="Nobody asked")
    proto = prototypes.add(lib, "Welcome desk")
    prototypes.link(lib, proto, [clip])
    people.add(lib, MARGARET, "lived_experience", "public", pseudonym="Speaker M")
    people.add(lib, "Tariq Bashir", "lived_experience", "public")
    return lib, film, clip, proto


def logged(lib):
    with lib.read() as s:
        return [(e.kind, e.path) for e in s.query(ExportRecord)]


def nothing_out(lib, out):
    assert list(out.iterdir()) == [] and logged(lib) == []


@pytest.mark.parametrize("name", REEL_FORMATS)
def test_a_name_in_a_clips_title_stops_every_reel_format(stocked, out, name):
    lib, _film, clip, _proto = stocked
    title = "Talks about Margaret Okonkwo's crisis"
    clips.update(lib, clip, title=title)
    reel = reels.create(lib, "Desk", [clip], audience="public")
    with pytest.raises(NameRefused) as err:
        export.export_reel(lib, reel, out / name)
    message = str(err.value)
    # its title, never its id, and where it is (its film and times)
    assert f"clip {title!r} (in 'kitchen', 0:00.00–0:01.00): its title names Margaret Okonkwo" in message
    assert "use their pseudonym" in message and "\n" not in message and err.value.exit_code == 2
    nothing_out(lib, out)


def test_a_name_in_the_reel_title_stops_the_mp4_its_title_metadata_and_manifest(stocked, out):
    lib, _film, clip, _proto = stocked
    reel = reels.create(lib, "For Margaret Okonkwo", [clip], audience="public")
    with pytest.raises(NameRefused, match="reel 'For Margaret Okonkwo': its title names Margaret Okonkwo"):
        export.export_reel(lib, reel, out / "r.mp4")
    nothing_out(lib, out)


def test_a_name_in_a_card_or_caption_stops_the_subtitles(stocked, out):
    lib, _film, clip, _proto = stocked
    reel = reels.create(lib, "Desk", [clip], audience="public")
    with lib.read() as s:
        from app.models import Reel

        item_id = s.get(Reel, reel).items[0].id
    reels.update_item(lib, item_id, caption="Okonkwo, Margaret at the desk")
    with pytest.raises(NameRefused, match="item 1: its caption names Margaret Okonkwo"):
        export.export_reel(lib, reel, out / "r.vtt")
    nothing_out(lib, out)


@pytest.mark.parametrize("text", ["Margaret  Okonkwo", "OKONKWO, margaret", "Mr Okonkwo said", "Okonkwo's crisis",
                                  "Margarét Okónkwo", "okonkwo-margaret", "Margaret\nOkonkwo"])
def test_spacing_order_accents_and_surname_alone_are_refused(text):
    guard = Guard([MARGARET, "Li Wu"])
    assert guard.refusal(Text("clip 1 'x'", "note", text)) is not None


@pytest.mark.parametrize("text", ["Okonkwoville", "Margaret said", "Mr Wu", "a walk in the park"])
def test_a_first_name_or_a_longer_word_is_not_refused(text):
    guard = Guard([MARGARET, "Li Wu"])  # "Wu" is shorter than a surname the guard takes alone
    assert guard.refusal(Text("clip 1 'x'", "note", text)) is None


def test_a_first_name_alone_is_a_note_on_the_command_line_not_a_refusal(stocked, out, capsys):
    lib, _film, clip, _proto = stocked
    clips.update(lib, clip, title="Margaret's story")
    reels.create(lib, "Desk", [clip], audience="public")
    code = main(["reel", "export", "Desk", str(out / "r.srt"), "--library", str(lib.root)])
    err = capsys.readouterr().err
    assert code == 0 and (out / "r.srt").is_file()
    assert "note: clip" in err and "'margaret', the first name of Margaret Okonkwo" in err


def test_a_refusal_on_the_command_line_is_one_line_exit_2(stocked, out, capsys):
    lib, _film, clip, _proto = stocked
    clips.update(lib, clip, quote="Margaret Okonkwo was sectioned last year")
    code = main(["evidence", "export", "Welcome desk", str(out / "e.csv"), "--audience", "public",
                 "--library", str(lib.root)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "clip 'At the desk' (in 'kitchen', 0:00.00–0:01.00): its quote names Margaret Okonkwo" in err and "use their pseudonym" in err
    nothing_out(lib, out)


@pytest.mark.parametrize("name", ["e.csv", "e.html"])
def test_evidence_refuses_a_quote_or_title_naming_someone(stocked, out, name):
    lib, _film, clip, proto = stocked
    clips.update(lib, clip, quote="Margaret Okonkwo was sectioned last year")
    b = evidence.board(lib, proto)
    with pytest.raises(NameRefused, match="its quote names Margaret Okonkwo"):
        if name.endswith(".csv"):
            evidence.write_csv(b, out / name, lib, audience="public")
        else:
            evidence.write_html(lib, b, out / name, audience="public")
    clips.update(lib, clip, quote="", title="Mr Okonkwo at the desk")  # the still's alt= text
    with pytest.raises(NameRefused, match="its title has the word 'okonkwo', the surname of Margaret Okonkwo"):
        evidence.write_html(lib, evidence.board(lib, proto), out / "e.html", audience="public")
    nothing_out(lib, out)


def test_a_discussion_question_naming_someone_stops_the_summary(stocked, out):
    lib, _film, clip, _proto = stocked
    with pytest.raises(NameRefused, match="its question for the room names Margaret Okonkwo"):  # the projector
        reviews.start(lib, clip_ids=[clip], audience="team", discuss="What would have helped Margaret Okonkwo here?")
    review = reviews.start(lib, clip_ids=[clip], audience="team")
    (item,) = review_records.detail(lib, review).items
    reviews.set_discuss(lib, item.id, "What would have helped Margaret Okonkwo here?")  # typed during the meeting
    with pytest.raises(NameRefused, match="review 'Selected clips .* its discussion question names Margaret Okonkwo"):
        review_summary.write_summary(lib, review, out / "s.html")
    reviews.set_note(lib, review, clip, "Mr Bashir agreed")
    with pytest.raises(NameRefused, match="has the word 'bashir', the surname of Tariq Bashir"):
        review_summary.write_summary(lib, review, out / "s.html")
    nothing_out(lib, out)


def test_a_question_naming_someone_is_refused_even_when_every_clip_is_withheld(stocked):
    """An outside tester's find: the question was checked only with the items the room would
    see, so a review whose every clip was withheld kept a question naming someone."""
    lib, film, clip, _proto = stocked
    people.add(lib, "Ali Other", "carer", "team")
    people.appears(lib, "Ali Other", [film])
    people.withdraw(lib, "Ali Other")
    with pytest.raises(NameRefused, match="question for the room names Margaret Okonkwo"):
        reviews.start(lib, clip_ids=[clip], audience="team", discuss="What did Margaret Okonkwo need?")
    with lib.read() as s:
        assert s.query(Review).count() == 0


def test_a_review_summary_is_logged_and_a_withdrawal_lists_it(stocked, out):
    lib, film, clip, _proto = stocked
    people.add(lib, "Ali Other", "carer", "team")
    people.appears(lib, "Ali Other", [film])
    review = reviews.start(lib, clip_ids=[clip], audience="team")
    path = review_summary.write_summary(lib, review, out / "s.html")
    assert "At the desk" in path.read_text(encoding="utf-8")
    assert logged(lib) == [("summary", str(path))]
    report = people.withdraw(lib, "Ali Other")
    assert [(e["kind"], e["path"]) for e in report["exports"]] == [("summary", str(path))]


def test_a_summary_after_a_withdrawal_shows_no_still_of_that_clip(stocked, out):
    lib, film, clip, _proto = stocked
    people.add(lib, "Ali Other", "carer", "team")
    people.appears(lib, "Ali Other", [film])
    review = reviews.start(lib, clip_ids=[clip], audience="team", discuss="What went well?")
    people.withdraw(lib, "Ali Other")
    page = review_summary.write_summary(lib, review, out / "s.html").read_text(encoding="utf-8")
    assert "data:image/jpeg" not in page and "What went well?" not in page and "Withheld" in page


@pytest.mark.parametrize("note", ["Margaret  Okonkwo hesitates", "Okonkwo, Margaret hesitates", "Mr Bashir waits"])
def test_a_bundle_refuses_every_spelling(stocked, out, note):
    lib, _film, clip, _proto = stocked
    clips.update(lib, clip, note=note)
    with pytest.raises(NameRefused, match="clip 'At the desk': its note (names|has the word)"):
        bundle_export.export_bundle(lib, out / "b.protoreel", prototype="Welcome desk")
    nothing_out(lib, out)


def test_a_bundle_refused_for_its_reel_title_says_so(stocked, out):
    lib, _film, clip, _proto = stocked
    reels.create(lib, "For Tariq Bashir", [clip], audience="public")
    with pytest.raises(NameRefused, match="reel 'For Tariq Bashir': its title names Tariq Bashir.*rename the reel"):
        bundle_export.export_bundle(lib, out / "b.protoreel", reel="For Tariq Bashir")
    nothing_out(lib, out)


@pytest.fixture
def named_film(stocked, films_on_disk):
    lib, _film, _clip, proto = stocked
    film = importing.import_file(lib, films_on_disk[1]).film_id
    clip = clips.add(lib, film, 0, timecode.frame_start_us(20, FPS), title="Consult")
    prototypes.link(lib, proto, [clip])
    return lib, film, clip, reels.create(lib, "Consults", [clip], audience="public")


@pytest.mark.parametrize("name", ["r.csv", "r.edl", "r.otio"])
def test_a_film_titled_with_a_name_is_refused_until_renamed(named_film, out, name):
    lib, film, _clip, reel = named_film
    with pytest.raises(NameRefused, match="film 'Tariq Bashir GP consult': its title names Tariq Bashir"
                                          ".*rename the film"):
        export.export_reel(lib, reel, out / name)
    nothing_out(lib, out)


def test_evidence_csv_refuses_a_film_titled_with_a_name(named_film, out):
    lib, film, _clip, _reel = named_film
    with pytest.raises(NameRefused, match="film 'Tariq Bashir GP consult'"):
        evidence.write_csv(evidence.board(lib, _proto_id(lib)), out / "e.csv", lib, audience="public")
    nothing_out(lib, out)


def _proto_id(lib):
    from app.models import Prototype

    with lib.read() as s:
        return s.query(Prototype).one().id


@pytest.mark.parametrize("name", ["r.csv", "r.edl", "r.otio"])
def test_a_renamed_films_file_is_referred_to_by_id_and_hash(named_film, out, name):
    lib, film, _clip, reel = named_film
    films.rename(lib, film, "GP consult")
    notes = []
    path = export.export_reel(lib, reel, out / name, note=notes.append)
    text = path.read_text(encoding="utf-8")
    with lib.read() as s:
        from app.models import Film

        sha = s.get(Film, film).sha256
    assert "Bashir" not in text and "Tariq" not in text
    assert f"film-{film}-{sha[:12]}.mp4" in text
    assert len(notes) == 1 and "film 'GP consult': its file name carries a person's name" in notes[0]


def test_the_refusal_says_how_to_rename_the_film_and_the_command_line_can(named_film, out, capsys):
    lib, film, _clip, _reel = named_film
    args = ["--library", str(lib.root)]
    assert main(["reel", "export", "Consults", str(out / "r.edl"), *args]) == 2
    assert "protoreel film rename" in capsys.readouterr().err
    assert main(["film", "rename", str(film), "GP consult", *args]) == 0
    assert main(["reel", "export", "Consults", str(out / "r.edl"), *args]) == 0
    err = capsys.readouterr().err
    assert "Bashir" not in (out / "r.edl").read_text(encoding="utf-8") and "file name carries" in err


def test_a_summary_after_a_withdrawal_shows_no_still_of_a_whole_film_either(lib, films_on_disk, out):
    """An event's film with no clips is shown whole at the meeting; someone in it withdraws
    before the summary is written: no still of it goes out."""
    film = importing.import_file(lib, films_on_disk[1], event="Workshop day").film_id
    people.add(lib, "Ali Other", "carer", "team")
    people.appears(lib, "Ali Other", [film])
    review = reviews.start(lib, event="Workshop day", audience="team")
    shown = review_summary.write_summary(lib, review, out / "before.html").read_text(encoding="utf-8")
    assert "data:image/jpeg" in shown  # the whole film's still, while consent covers the meeting
    people.withdraw(lib, "Ali Other")
    page = review_summary.write_summary(lib, review, out / "after.html").read_text(encoding="utf-8")
    assert "data:image/jpeg" not in page and "Withheld" in page
