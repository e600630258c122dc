"""The breakfast review: present to the room (the app opens full screen), list reviews, and
write a review's one-page summary."""

from __future__ import annotations

from app.cli.grammar import Commands, add_replace, nonempty, path
from app.cli.output import EXIT_FAILED, EXIT_OK, written
from app.wording import plural


def register(commands: Commands) -> None:
    present = commands.command("present", cmd_present,
                               help="the breakfast review: open the app straight into a presentation")
    present.add_argument("reel", nargs="?", type=nonempty, help="reel id or exact title")
    present.add_argument("--prototype", type=nonempty, help="present a prototype's evidence board")
    present.add_argument("--event", type=nonempty,
                         help="present an event's films (their clips; a film with none is shown whole)")
    present.add_argument("--continue", dest="continue_review", type=nonempty, metavar="REVIEW",
                         help="continue a review where it stopped")
    present.add_argument("--audience", choices=["team", "collaborative"], default=None,
                         help="who is in the room (default: collaborative); clips beyond someone's consent "
                              "are withheld")
    present.add_argument("--discuss", default="", metavar="QUESTION",
                         help="a question for the room after every clip (a reel's own questions come first)")
    commands.command("reviews", cmd_reviews, help="list breakfast reviews")
    commands.group("review", "breakfast reviews")
    summary = commands.action("review", "summary", cmd_review_summary, help="write a review's one-page summary")
    summary.add_argument("review", type=nonempty, help="review id or exact title")
    summary.add_argument("out", type=path, help="OUT.pdf or OUT.html")
    add_replace(summary)


def cmd_present(lib, args, out) -> int:
    """Create (or pick up) the review in the core first, so bad names fail here with exit 2
    before any window opens; then open the app on this library, presenting it."""
    from app.reviews import reviews

    if args.continue_review:
        review_id = reviews.find(lib, args.continue_review)
    else:
        review_id = reviews.start(lib, reel=args.reel, prototype=args.prototype, event=args.event,
                                  audience=args.audience, discuss=args.discuss, note=out.note)
    if args.open_app is None:
        out.fail(f"review {review_id} is ready; presenting needs the app (run `protoreel present`)")
        return EXIT_FAILED
    return args.open_app(lib.root, args.database_url, present=review_id)


def review_line(r) -> str:
    minutes = r.shown_us // 60_000_000
    return (f"{r.id:>4}  {r.held_on}  {r.title}  ({r.source}, {r.audience})  shown {r.shown_items}/{r.items}"
            f"{f', {r.withheld} withheld' if r.withheld else ''}, {minutes} min · {plural(r.notes, 'note')}, "
            f"{plural(r.marks, 'mark')}, {plural(r.actions, 'action')}{'' if r.ended_at else '  [not ended]'}")


def cmd_reviews(lib, args, out) -> int:
    from app.reviews import review_records

    with lib.read() as s:
        for record in review_records.review_records(s):
            out.record(record.to_json(), review_line(record))
    return EXIT_OK


def cmd_review_summary(lib, args, out) -> int:
    from app.reviews import review_summary, reviews

    path = review_summary.write_summary(lib, reviews.find(lib, args.review), args.out, replace=args.replace,
                                        note=out.note)
    path = written(path)
    out.record({"review": args.review, "path": str(path)}, f"wrote {path}")
    return EXIT_OK
