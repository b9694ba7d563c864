"""Who may use the routes of #10: everyone reads quotas, the leaderboard and the partner funnel;
managers and admins set quotas and add partners; a rep sees their own coaching view only (the
world's user_id is the rep's own id)."""

from baton.models import Partner
from tests.builders import T0
from tests.web.route_roles import ANYONE_SIGNED_IN, MANAGERS, SALES

EXPECTED = {
    ("GET", "/leaderboard"): ANYONE_SIGNED_IN,
    ("GET", "/quotas"): ANYONE_SIGNED_IN,
    ("POST", "/quotas"): MANAGERS,
    ("GET", "/partners"): ANYONE_SIGNED_IN,
    ("POST", "/partners"): MANAGERS,
    ("GET", "/coaching/{user_id}"): SALES,
    ("GET", "/api/quotas"): ANYONE_SIGNED_IN,
    ("PUT", "/api/quotas"): MANAGERS,
    ("GET", "/api/quotas/attainment"): ANYONE_SIGNED_IN,
    ("GET", "/api/leaderboard"): ANYONE_SIGNED_IN,
    ("GET", "/api/coaching/{user_id}"): SALES,
    ("GET", "/api/partners"): ANYONE_SIGNED_IN,
    ("POST", "/api/partners"): MANAGERS,
    ("PATCH", "/api/partners/{partner_id}"): MANAGERS,
    ("GET", "/api/partners/funnel"): ANYONE_SIGNED_IN,
}


def path_ids(session, world) -> dict:
    partner = Partner(name="Probe partner", key="probe", active=True, created_at=T0, updated_at=T0)
    session.add(partner)
    session.flush()
    return {"partner_id": partner.id}
