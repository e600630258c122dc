"""Rules a plan of clips passes before it is shown: review mode withholds what they refuse.

A rule looks at the plan and returns refusals. Rules are plain functions so new ones (or a
test's) slot in without touching the exporters. ``consent_rule`` reads the consent carried by
the plan's people (a withdrawal sets it to none); reel and evidence exports are checked by
``app.ways_out.consent_policy`` itself (time ranges, withdrawals, anonymising), twice, and pass only
``EXTRA_RULES`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.ways_out.consent_policy import consent_words
from app.models import CONSENT_SCOPES
from media.errors import ConsentRefused
from media.export.plan import ReelPlan


@dataclass
class Refusal:
    clip_title: str
    position: int
    reason: str


Rule = Callable[[ReelPlan], list[Refusal]]

def consent_rule(plan: ReelPlan) -> list[Refusal]:
    """Everyone who appears must have consented to at least the plan's audience."""
    needed = CONSENT_SCOPES.index(plan.audience)
    refusals = []
    for item in plan.items:
        short = [p for p in item.people if p.withdrawn or CONSENT_SCOPES.index(p.consent) < needed]
        if short:
            who = ", ".join(f"{p.name or p.label} ({consent_words(p.consent, p.withdrawn)})"  # the presenter's eyes
                            for p in short)
            refusals.append(Refusal(item.clip_title, item.position, f"{who} did not consent to a {plan.audience} audience"))
    return refusals


DEFAULT_RULES: list[Rule] = [consent_rule]
EXTRA_RULES: list[Rule] = []  # what exports add to app.ways_out.consent_policy's check


def refusals(plan: ReelPlan, rules: list[Rule] | None = None) -> list[Refusal]:
    """Every rule's refusals for ``plan``: what ``check`` refuses, item by item (a review
    presents the rest and shows a "withheld" card for these)."""
    return [r for rule in (DEFAULT_RULES if rules is None else rules) for r in rule(plan)]


def check(plan: ReelPlan, rules: list[Rule] | None = None) -> None:
    found = refusals(plan, rules)
    if found:
        lines = "; ".join(f"clip {r.position + 1} {r.clip_title!r}: {r.reason}" for r in found)
        raise ConsentRefused(f"reel {plan.title!r} cannot be exported for a {plan.audience} audience: {lines}. "
                             "Nothing was written.")
