"""Builders for custom-property tests: a playbook declaring properties, made active."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from baton.models import PlaybookVersion
from baton.playbooks import default_playbook_text
from tests.builders import T0

# Added to the default playbook's own `properties:` list.
REQUIRED_SEGMENT = "  - {name: segment, type: choice, choices: [smb, enterprise], required: true}\n"


def activate_playbook(session: Session, text: str, *, now: datetime = T0) -> PlaybookVersion:
    """Store `text` as the active playbook version (retiring any other)."""
    session.execute(
        update(PlaybookVersion).where(PlaybookVersion.status == "active").values(status="retired")
    )
    latest = session.query(PlaybookVersion).count()
    row = PlaybookVersion(
        version=latest + 100, status="active", document=text, created_at=now, activated_at=now
    )
    session.add(row)
    session.flush()
    return row


def default_with(extra_properties: str) -> str:
    """The default playbook with more declared properties first in its `properties:` list."""
    text = default_playbook_text()
    assert text.count("\nproperties:\n") == 1
    return text.replace("\nproperties:\n", "\nproperties:\n" + extra_properties)
