"""Who may use the planning routes (#9): everyone reads the plan; proposing a commitment is
for those who may propose a playbook version."""

from tests.web.route_roles import ANYONE_SIGNED_IN, DEFINERS

EXPECTED = {
    ("GET", "/plan"): ANYONE_SIGNED_IN,
    ("POST", "/plan/propose-commitment"): DEFINERS,
    ("GET", "/api/plan"): ANYONE_SIGNED_IN,
    ("GET", "/api/plan/targets"): ANYONE_SIGNED_IN,
    ("POST", "/api/plan/propose-commitment"): DEFINERS,
}
