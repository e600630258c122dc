"""Extra rules a reel export passes beyond consent (consent itself is ``app.consent_policy``).

A rule looks at the plan and returns refusals; any refusal stops the export with a message
naming the clips concerned. Rules are plain functions so new ones (or a test's) slot in
without touching the exporters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from media.errors import ConsentRefused
from media.export.plan import ReelPlan


@dataclass
class Refusal:
    clip_title: str
    position: int
    reason: str


Rule = Callable[[ReelPlan], list[Refusal]]

DEFAULT_RULES: list[Rule] = []


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
