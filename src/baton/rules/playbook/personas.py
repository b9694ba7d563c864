"""The `personas` section: ordered match rules, first match wins, at most one per lead."""

from pydantic import Field

from baton.rules.conditions import PersonaCondition
from baton.rules.playbook.base import Name, Section


class Persona(Section):
    """A buyer persona and the lead facts that identify it."""

    name: Name
    description: str = ""
    when: PersonaCondition = Field(description="tests on title, seniority, department...")
