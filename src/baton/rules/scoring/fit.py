"""Who the lead is: its persona, fit points and grade."""

import math
from dataclasses import dataclass

from baton.rules.playbook import Playbook
from baton.rules.scoring.facts import Contribution, LeadFacts


@dataclass(frozen=True)
class FitResult:
    persona: str | None
    fit: float
    grade: str
    contributions: tuple[Contribution, ...]


def match_persona(lead: LeadFacts, playbook: Playbook) -> str | None:
    """The first persona whose conditions all pass, or None."""
    values = lead.values(None)
    return next((p.name for p in playbook.personas if p.when.matches(values)), None)


def score_fit(lead: LeadFacts, playbook: Playbook) -> FitResult:
    """Matching rules add up; a cap limits the positive part, negative points always count."""
    persona = match_persona(lead, playbook)
    values = lead.values(persona)
    section = playbook.fit
    matched = [(i, r) for i, r in enumerate(section.rules) if r.when.matches(values)]
    positive = math.fsum(r.points for _, r in matched if r.points > 0)
    negative = math.fsum(r.points for _, r in matched if r.points < 0)
    over = section.cap is not None and positive > section.cap
    scale = section.cap / positive if over else 1.0  # type: ignore[operator]
    contributions = tuple(
        Contribution(
            section="fit",
            rule=rule.id or f"fit.rules[{i}]",
            label=rule.label or rule.when.describe(),
            raw=rule.points,
            decayed=rule.points,
            points=rule.points * scale if rule.points > 0 else rule.points,
            capped=over and rule.points > 0,
            note=f"fit cap {section.cap:g}" if over and rule.points > 0 else "",
        )
        for i, rule in matched
    )
    capped_positive = min(positive, section.cap) if section.cap is not None else positive
    fit = capped_positive + negative
    return FitResult(persona, fit, section.grade_for(fit), contributions)
