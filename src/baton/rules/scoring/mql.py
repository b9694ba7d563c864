"""Whether the lead meets the lead definition, and the reason in words."""

from collections.abc import Sequence
from datetime import datetime

from baton.rules.playbook import Playbook
from baton.rules.scoring.engagement import age_in_days
from baton.rules.scoring.facts import EventFacts


def shown(value: float, threshold: float) -> str:
    """A value rounded for display, but never so far that it seems to cross the threshold."""
    above = value >= threshold
    for digits in range(7):
        text = f"{value:.{digits}f}"
        if (float(text) >= threshold) is above:
            return text
    return repr(value)


def hand_raiser(
    events: Sequence[EventFacts], recycled_at: datetime | None, playbook: Playbook, now: datetime
) -> EventFacts | None:
    """The latest hand-raiser event that counts (after the last recycling, if any)."""
    mql = playbook.mql
    for event in reversed(events):
        if event.type not in mql.hand_raisers:
            continue
        age = age_in_days(now, event.occurred_at)
        if age is None or (recycled_at is not None and event.occurred_at <= recycled_at):
            continue
        if mql.hand_raiser_within_days is None or age <= mql.hand_raiser_within_days:
            return event
    return None


def qualify(
    *,
    fit: float,
    grade: str,
    engagement: float,
    new_engagement: float | None,
    raised: EventFacts | None,
    playbook: Playbook,
    probability: float | None = None,
) -> tuple[bool, str]:
    """(is_mql, reason): a hand raiser with enough fit, or every threshold met."""
    mql = playbook.mql
    blocked = ""
    if raised is not None:
        day = raised.occurred_at.astimezone(playbook.company.tz).date().isoformat()
        what = f"hand raiser {raised.type} on {day}"
        floor = mql.hand_raiser_fit_min
        if floor is None:
            return True, what
        if fit >= floor:
            return True, f"{what}, fit {shown(fit, floor)} ≥ {floor:g}"
        blocked = f"{what} but fit {shown(fit, floor)} < {floor:g}"
    if not mql.has_thresholds():
        return False, blocked or "no hand-raiser event"
    clauses = _clauses(fit, grade, engagement, new_engagement, playbook)
    if mql.probability_min is not None:
        floor = mql.probability_min
        if probability is None:
            clauses.append((False, "no predicted probability"))
        else:
            ok = probability >= floor
            # Two places at least, more if fewer would seem to cross the floor.
            shown_p = next(
                (t for d in range(2, 7) if (float(t := f"{probability:.{d}f}") >= floor) is ok),
                repr(probability),
            )
            sign = "≥" if ok else "<"
            clauses.append((ok, f"predicted probability {shown_p} {sign} {floor:g}"))
    if all(ok for ok, _ in clauses):
        return True, ", ".join(text for _, text in clauses)
    failed = [text for ok, text in clauses if not ok]
    return False, ", ".join([*failed, blocked] if blocked else failed)


def _clauses(
    fit: float, grade: str, engagement: float, new: float | None, playbook: Playbook
) -> list[tuple[bool, str]]:
    mql, clauses = playbook.mql, []
    for name, value, floor in (
        ("fit", fit, mql.fit_min),
        ("engagement", engagement, mql.engagement_min),
    ):
        if floor is not None:
            ok = value >= floor
            clauses.append((ok, f"{name} {shown(value, floor)} {'≥' if ok else '<'} {floor:g}"))
    if mql.grades is not None:
        ok = grade in mql.grades
        clauses.append((ok, f"grade {grade} {'in' if ok else 'not in'} {', '.join(mql.grades)}"))
    if new is not None:
        floor = mql.requalify_min_new_engagement
        ok = new >= floor
        text = f"new engagement {shown(new, floor)} {'≥' if ok else '<'} {floor:g} since recycling"
        clauses.append((ok, text))
    return clauses
