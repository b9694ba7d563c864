"""Panels other features add to the lead page (recommended content, predicted probability...).

A panel is a function (session, lead, user, now) -> Panel | None, registered at import time
of its module; None hides it for this lead or user. Panels render in `order`, in the
lead page's side column, each in its own card.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from baton.models import Lead, User


@dataclass(frozen=True)
class Panel:
    """A template (which does NOT extend base.html) and its context, shown in a card."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelFn = Callable[[Session, Lead, User, datetime], Panel | None]
_PANELS: dict[str, tuple[int, PanelFn]] = {}


def register_lead_panel(name: str, fn: PanelFn, *, order: int = 50) -> None:
    """Add (or replace, by name) a panel on every lead page."""
    _PANELS[name] = (order, fn)


def panels_for(session: Session, lead: Lead, user: User, now: datetime) -> list[Panel]:
    """The panels to show on this lead's page, in order."""
    shown = []
    for _order, fn in sorted(_PANELS.values(), key=lambda p: p[0]):
        panel = fn(session, lead, user, now)
        if panel is not None:
            shown.append(panel)
    return shown
