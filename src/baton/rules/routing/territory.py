"""Which team's territory covers a lead, the most specific one winning.

A territory covers a lead when every dimension it constrains holds the lead's value (a lead
without a value, e.g. no country, is not covered by a territory that constrains it).
Specificity is the number of dimensions constrained, where states/regions count twice
because a state names a place more narrowly than a country: {countries} = 1,
{regions} = 2, {countries, products} = 2, {regions, products, sizes} = 4. Ties go to the team
listed first in `teams`, so callers pass teams in their configured priority (by id by
default). Teams with no territory at all (and the fallback team) are never territory
matches: a newly created team does not swallow every lead before its territory is set.
"""

from collections.abc import Sequence

from baton.rules.routing.model import LeadToRoute, Team, Territory


def covers(territory: Territory, lead: LeadToRoute) -> bool:
    """Whether every constrained dimension of the territory holds the lead's value."""
    if territory.countries and (lead.country or "").strip().upper() not in territory.countries:
        return False
    if territory.regions and not (region_keys(lead) & territory.regions):
        return False
    if territory.products and (lead.product or "").strip().casefold() not in territory.products:
        return False
    if territory.sizes:
        if lead.employees is None:
            return False
        return any(segment.contains(lead.employees) for segment in territory.sizes)
    return True


def specificity(territory: Territory) -> int:
    """How narrowly the territory is drawn (see the module docstring)."""
    place = 2 if territory.regions else 1 if territory.countries else 0
    return place + bool(territory.products) + bool(territory.sizes)


def territory_team(
    lead: LeadToRoute, teams: Sequence[Team], *, fallback_team_id: int
) -> Team | None:
    """The most specific team whose territory covers the lead; ties: the first listed."""
    best: Team | None = None
    for team in teams:
        if team.team_id == fallback_team_id or team.territory.is_empty:
            continue
        if not covers(team.territory, lead):
            continue
        if best is None or specificity(team.territory) > specificity(best.territory):
            best = team
    return best


def region_keys(lead: LeadToRoute) -> frozenset[str]:
    """The lead's region as a territory may name it: "ca", and "us-ca" when the country is US."""
    region = (lead.region or "").strip().casefold()
    if not region:
        return frozenset()
    country = (lead.country or "").strip().casefold()
    keys = {region}
    if country:
        prefix = country + "-"
        bare = region.removeprefix(prefix)
        keys |= {bare, prefix + bare}
    return frozenset(keys)


def describe_match(territory: Territory, lead: LeadToRoute) -> str:
    """The lead's values the territory matched on, e.g. "country DE, product analytics"."""
    parts = []
    if territory.countries:
        parts.append(f"country {lead.country}")
    if territory.regions:
        parts.append(f"region {lead.region}")
    if territory.products:
        parts.append(f"product {lead.product}")
    if territory.sizes:
        parts.append(f"{lead.employees} employees")
    return ", ".join(parts)


def describe_lead(lead: LeadToRoute) -> str:
    """The values territories look at, for the note when none covers the lead."""
    return (
        f"country {lead.country or '—'}, region {lead.region or '—'}, "
        f"product {lead.product or '—'}, "
        f"employees {lead.employees if lead.employees is not None else '—'}"
    )
