"""`route()`: the configured rules in order, first match wins, always ending in a team."""

from collections.abc import Callable, Sequence
from datetime import datetime

from baton.rules.routing.availability import unavailable_reason
from baton.rules.routing.decision import Decision, Skip
from baton.rules.routing.model import InvalidRouting, LeadToRoute, Member, RoutingConfig, Team
from baton.rules.routing.rotation import RotationState, pick
from baton.rules.routing.territory import describe_lead, describe_match, territory_team


def route(
    lead: LeadToRoute,
    teams: Sequence[Team],
    config: RoutingConfig,
    rotation: RotationState,
    now: datetime,
) -> Decision:
    """Who gets `lead` at `now`: the first rule of `config` that can place it wins.

    account_owner: the owner of the lead's account, if available (active, not out of office,
    not at capacity, in hours when configured); otherwise the reason is noted and routing
    goes on. partner: the manager mapped to the lead's partner key, under the same terms.
    territory: the most specific covering team's pool (see territory.py). fallback: the
    fallback team's pool, a plain queue when it has no members. Inside a pool the weighted
    rotation picks among available members (see rotation.py); when nobody is available the
    lead is queued in that team for its manager, never left unassigned.
    """
    if now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    ids = [team.team_id for team in teams]
    if len(set(ids)) != len(ids):
        raise InvalidRouting("teams", "a team is listed twice")
    routing = _Routing(lead, teams, config, rotation, now)
    for rule in config.chain():
        decision = _RULES[rule](routing)
        if decision is not None:
            return decision
    raise AssertionError("the fallback rule always decides")  # pragma: no cover


class _Routing:
    """One routing run: its inputs, and the notes and skips gathered along the rules."""

    def __init__(
        self,
        lead: LeadToRoute,
        teams: Sequence[Team],
        config: RoutingConfig,
        rotation: RotationState,
        now: datetime,
    ) -> None:
        self.lead, self.teams, self.config = lead, teams, config
        self.rotation, self.now = rotation, now
        self.notes: list[str] = []
        self.skipped: list[Skip] = []

    def unavailable(self, member: Member) -> str | None:
        return unavailable_reason(
            member, self.now, skip_outside_hours=self.config.skip_outside_hours
        )

    def team(self, team_id: int) -> Team | None:
        return next((t for t in self.teams if t.team_id == team_id), None)

    def member(self, user_id: int) -> Member | None:
        for team in self.teams:
            for member in team.members:
                if member.user_id == user_id:
                    return member
        return None

    def decide(self, team: Team, rule: str, **fields) -> Decision:
        fields.setdefault("rotation", self.rotation)
        return Decision(
            lead_id=self.lead.lead_id,
            team_id=team.team_id,
            pool=team.name,
            rule=rule,
            manager_id=team.manager_id,
            skipped=tuple(self.skipped),
            notes=tuple(self.notes),
            **fields,
        )

    def direct(self, rule: str, user_id: int, role: str) -> Decision | None:
        """The lead goes straight to one person if they are in a team and available."""
        member = self.member(user_id)
        if member is None:
            self.notes.append(f"the {role}, user {user_id}, is not a member of any routing team")
            return None
        reason = self.unavailable(member)
        if reason is not None:
            self.skipped.append(Skip(member.user_id, reason, rule, member.name))
            self.notes.append(f"the {role}, {member.label}, is {reason}")
            return None
        team = self.team(member.team_id)
        assert team is not None  # members are found through their team
        return self.decide(
            team, rule, status="assigned", owner_id=member.user_id, owner_name=member.name
        )

    def pool(self, team: Team, rule: str, detail: str) -> Decision:
        """The team's rotation picks an available member, or the lead waits in its queue."""
        available = []
        for member in sorted(team.members, key=lambda m: m.user_id):
            reason = self.unavailable(member)
            if reason is None:
                available.append(member)
            else:
                self.skipped.append(Skip(member.user_id, reason, rule, member.name))
        if not available:
            return self.decide(team, rule, status="queued", owner_id=None, detail=detail)
        chosen, pool = pick(self.rotation.pool(team.team_id), available)
        return self.decide(
            team,
            rule,
            status="assigned",
            owner_id=chosen.user_id,
            owner_name=chosen.name,
            detail=detail,
            rotation=self.rotation.with_pool(team.team_id, pool),
        )


def _account_owner(r: _Routing) -> Decision | None:
    if r.lead.account_owner_id is None:
        r.notes.append("the lead has no account owner")
        return None
    return r.direct("account_owner", r.lead.account_owner_id, "account owner")


def _partner(r: _Routing) -> Decision | None:
    """The hook for partner leads (#10): a configured partner manager takes them."""
    key = (r.lead.partner_key or "").strip().casefold()
    if not key:
        return None
    manager = r.config.partner_managers.get(key)
    if manager is None:
        r.notes.append(f"partner {r.lead.partner_key!r} has no partner manager")
        return None
    return r.direct("partner", manager, f"manager of partner {r.lead.partner_key!r}")


def _territory(r: _Routing) -> Decision | None:
    team = territory_team(r.lead, r.teams, fallback_team_id=r.config.fallback_team_id)
    if team is None:
        r.notes.append(f"no team's territory covers {describe_lead(r.lead)}")
        return None
    return r.pool(team, "territory", f"{team.name} covers {describe_match(team.territory, r.lead)}")


def _fallback(r: _Routing) -> Decision:
    team = r.team(r.config.fallback_team_id)
    if team is None:
        raise InvalidRouting(
            "fallback_team_id", f"team {r.config.fallback_team_id} is not among the teams"
        )
    return r.pool(team, "fallback", "")


_RULES: dict[str, Callable[[_Routing], Decision | None]] = {
    "account_owner": _account_owner,
    "partner": _partner,
    "territory": _territory,
    "fallback": _fallback,
}
