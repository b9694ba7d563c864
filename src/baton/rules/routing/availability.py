"""Whether a member can take a lead now, and if not, the reason a manager reads."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from baton.rules.calendar import is_open
from baton.rules.routing.model import Member

UTC_ZONE = ZoneInfo("UTC")


def unavailable_reason(member: Member, now: datetime, *, skip_outside_hours: bool) -> str | None:
    """None if `member` can take a lead at `now`; else why not, e.g. "at capacity 20/20".

    Checked in this order, and only the first reason is given: inactive, out of office, at
    capacity, outside working hours (only when `skip_outside_hours`, and only for members
    with a calendar: a member without one counts as always in hours).
    """
    if not member.active:
        return "inactive"
    back = back_from_leave(member, now)
    if back is not None:
        return f"out of office until {_moment(back, member)}"
    if member.capacity is not None and member.open_leads >= member.capacity:
        return f"at capacity {member.open_leads}/{member.capacity}"
    if skip_outside_hours and member.calendar is not None and not is_open(now, member.calendar):
        return "outside working hours"
    return None


def back_from_leave(member: Member, now: datetime) -> datetime | None:
    """When the leave covering `now` ends (following back-to-back periods), or None."""
    back = None
    moment = now
    periods = sorted(member.out_of_office)
    extended = True
    while extended:  # a period starting as (or before) another ends continues the leave
        extended = False
        for start, end in periods:
            if start <= moment < end:
                back, moment, extended = end, end, True
    return back


def _moment(at: datetime, member: Member) -> str:
    """A date, or a date and time when the leave does not end at midnight, in the rep's zone."""
    zone = member.calendar.zone if member.calendar is not None else UTC_ZONE
    local = at.astimezone(zone)
    if local.time() == time(0, 0):
        return local.date().isoformat()
    return f"{local:%Y-%m-%d %H:%M} {zone.key}"
