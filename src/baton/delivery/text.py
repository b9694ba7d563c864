"""One human sentence per event, shared by e-mail subjects and Slack messages."""

from typing import Any

SENTENCES = {
    "lead.assigned": "Lead #{lead_id} was assigned to you",
    "lead.queued": "Lead #{lead_id} is waiting in the team queue: nobody was available",
    "lead.reassigned": "Lead #{lead_id} was reassigned",
    "lead.rejected": "Lead #{lead_id} was rejected by sales",
    "lead.recycled": "Lead #{lead_id} went back to marketing (recycled)",
    "lead.accepted": "Lead #{lead_id} was accepted by sales",
    "lead.qualified": "Lead #{lead_id} was qualified by sales",
    "opportunity.won": "The opportunity of lead #{lead_id} was won",
    "opportunity.lost": "The opportunity of lead #{lead_id} was lost",
    "sla.warning": "SLA warning on lead #{lead_id}: the deadline is close",
    "sla.breached": "SLA breached on lead #{lead_id}",
    "webhook.test": "Test message from Baton: this subscription works",
}
DETAILS = (
    ("owner_id", "owner: user {}"),
    ("team_id", "team: {}"),
    ("rule", "rule: {}"),
    ("reason_code", "reason: {}"),
    ("reason", "{}"),
)


def headline(topic: str, payload: dict[str, Any]) -> str:
    """'Lead #12 was rejected by sales' — the subject line."""
    template = SENTENCES.get(topic, f"{topic} on lead #{{lead_id}}")
    return template.format(lead_id=payload.get("lead_id"))


def details(payload: dict[str, Any]) -> list[str]:
    """The event's own fields, one short phrase each, in a fixed order."""
    return [
        label.format(payload[key]) for key, label in DETAILS if payload.get(key) not in (None, "")
    ]


def lead_link(base_url: str, payload: dict[str, Any]) -> str | None:
    """Where the lead is seen in Baton, or None for events without a lead."""
    lead_id = payload.get("lead_id")
    return f"{base_url.rstrip('/')}/leads/{lead_id}" if lead_id is not None else None
