"""Forms: their settings, and submissions from websites turned into leads and events."""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import Event, Form, Lead, Program
from baton.schemas.forms import HONEYPOT_FIELD, FormCreate, FormUpdate, lead_from_submission
from baton.services.audit import record_audit, update_audited
from baton.services.auth import Actor
from baton.services.leads import capture_lead
from baton.services.scoring import SCORING, rescore_lead

MAX_PAGE_LENGTH = 2000


@dataclass
class Submission:
    """What a form post did: the lead (None when the honeypot caught a bot)."""

    form: Form
    lead: Lead | None
    created: bool = False


def get_form(session: Session, form_id: int) -> Form:
    """A form by id, or 404."""
    form = session.get(Form, form_id)
    if form is None:
        raise NotFound(f"no form {form_id}")
    return form


def form_by_key(session: Session, key: str) -> Form:
    """A form by its public key, or 404."""
    form = session.scalar(select(Form).where(Form.key == key))
    if form is None:
        raise NotFound(f"no form {key!r}")
    return form


def list_forms(session: Session) -> list[Form]:
    """Every form, by name."""
    return list(session.scalars(select(Form).order_by(Form.name, Form.id)))


def create_form(session: Session, *, data: FormCreate, actor: Actor, now: datetime) -> Form:
    """A new form for an existing program; a key is generated when none is given."""
    _check_program(session, data.program_id)
    if data.key is not None:
        _check_key_free(session, data.key)
    key = data.key or _new_key(session, data.name)
    form = Form(
        key=key,
        name=data.name,
        program_id=data.program_id,
        thank_you_url=data.thank_you_url,
        created_at=now,
        updated_at=now,
    )
    session.add(form)
    session.flush()
    values = {**data.model_dump(), "key": key}
    record_audit(
        session,
        actor=actor,
        action="form.create",
        entity="form",
        entity_id=form.id,
        details={"values": values},
        now=now,
    )
    session.flush()
    return form


def update_form(
    session: Session, *, form_id: int, data: FormUpdate, actor: Actor, now: datetime
) -> Form:
    """Set the fields sent; a new key breaks websites still posting to the old one."""
    form = get_form(session, form_id)
    values = data.model_dump(exclude_unset=True)
    if "program_id" in values:
        _check_program(session, values["program_id"])
    if "key" in values and values["key"] != form.key:
        _check_key_free(session, values["key"])
    update_audited(
        session, row=form, values=values, actor=actor, action="form.update", entity="form", now=now
    )
    return form


def submit_form(
    session: Session, *, key: str, fields: Mapping[str, str], page: str | None, now: datetime
) -> Submission:
    """Capture the person a website form describes, and record a form_submit event.

    A filled honeypot field marks a bot: nothing is written, and the caller answers as if
    it had worked, so the bot learns nothing.
    """
    form = form_by_key(session, key)
    if fields.get(HONEYPOT_FIELD, "").strip():
        return Submission(form=form, lead=None)
    program = session.get(Program, form.program_id)
    data = lead_from_submission(fields, program_id=program.id, channel=program.channel)
    actor = Actor(user_id=None, role="marketing", via=f"form:{key}")  # via holds 100, keys 64
    capture = capture_lead(session, data=data, actor=actor, now=now, rescore=False)
    properties = {"form": key}
    if page:
        properties["page"] = page[:MAX_PAGE_LENGTH]
    session.add(
        Event(
            lead_id=capture.lead.id,
            type="form_submit",
            occurred_at=now,
            program_id=program.id,
            properties=properties,
            created_at=now,
        )
    )
    session.flush()
    rescore_lead(session, lead_id=capture.lead.id, now=now, actor=SCORING)
    return Submission(form=form, lead=capture.lead, created=capture.created)


def embed_html(key: str, *, base_url: str) -> str:
    """The HTML a website embeds to post to this form, honeypot included."""
    action = escape(f"{base_url.rstrip('/')}/forms/{key}")
    return f"""<form method="post" action="{action}">
  <input type="email" name="email" placeholder="E-mail" required>
  <input name="first_name" placeholder="First name">
  <input name="last_name" placeholder="Last name">
  <input name="company" placeholder="Company">
  <input name="title" placeholder="Job title">
  <!-- Leave this field hidden and empty: people never see it, bots fill it in. -->
  <div style="position:absolute;left:-10000px" aria-hidden="true">
    <input name="{HONEYPOT_FIELD}" tabindex="-1" autocomplete="off">
  </div>
  <button type="submit">Send</button>
</form>"""


def _check_program(session: Session, program_id: int) -> None:
    if session.get(Program, program_id) is None:
        raise ValidationFailed(
            f"unknown program {program_id}",
            fields=[{"path": "program_id", "message": "unknown program"}],
        )


def _check_key_free(session: Session, key: str) -> None:
    if session.scalar(select(Form.id).where(Form.key == key)) is not None:
        raise Conflict(
            f"a form with key {key!r} exists already",
            fields=[{"path": "key", "message": "already taken"}],
        )


def _new_key(session: Session, name: str) -> str:
    """A slug of the name, with a random suffix when it is short or taken."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48].strip("-")
    if len(slug) >= 3 and session.scalar(select(Form.id).where(Form.key == slug)) is None:
        return slug
    while True:
        candidate = f"{slug or 'form'}-{secrets.token_hex(3)}"
        if session.scalar(select(Form.id).where(Form.key == candidate)) is None:
            return candidate
