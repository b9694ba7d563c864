"""The whole playbook: the sections of the agreement, checked together."""

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from baton.rules.conditions import dotted
from baton.rules.playbook.base import Name, Section
from baton.rules.playbook.checks import check_playbook
from baton.rules.playbook.company import Company
from baton.rules.playbook.engagement import Engagement
from baton.rules.playbook.fit import Fit
from baton.rules.playbook.mql import Mql
from baton.rules.playbook.personas import Persona
from baton.rules.playbook.points import PointsTable
from baton.rules.playbook.properties import Property
from baton.rules.playbook.reasons import Reason
from baton.rules.playbook.sla import Sla
from baton.rules.playbook.targets import Targets

SECTIONS = (
    "company",
    "products",
    "personas",
    "fit",
    "engagement",
    "mql",
    "reasons",
    "sla",
    "targets",
    "properties",
    "points",
)
# Sections later issues own. Each is opaque (any YAML) until its issue replaces the
# placeholder with a model in its own module here and one line below; until then a document
# may carry them, but nothing inside them is checked. (All sections have landed.)
LATER_SECTIONS: tuple[str, ...] = ()


class Playbook(Section):
    """The agreed lead definition (and, as issues land, the SLA, reasons, targets...)."""

    description: str = ""
    company: Company
    products: list[Name] = Field(min_length=1)
    personas: list[Persona] = Field(default_factory=list)
    fit: Fit
    engagement: Engagement
    mql: Mql
    reasons: list[Reason] = Field(default_factory=list)
    sla: Sla = Field(default_factory=Sla)
    targets: Targets = Field(default_factory=list)
    points: PointsTable = Field(default_factory=PointsTable)
    properties: list[Property] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_section_checks(self) -> "Playbook":
        issues = check_playbook(self)
        if issues:
            summary = "; ".join(f"{dotted(loc)}: {msg}" for loc, msg in issues)
            raise PydanticCustomError(
                "playbook", "{summary}", {"summary": summary, "issues": issues}
            )
        return self

    def persona_names(self) -> list[str]:
        """Persona names in match order."""
        return [p.name for p in self.personas]

    def reason(self, code: str) -> Reason | None:
        """The rejection reason with this code, if the playbook lists it."""
        return next((r for r in self.reasons if r.code == code), None)
