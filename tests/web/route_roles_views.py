"""Who may use the manager's view, marketing's view, the dashboards and the playbook page."""

from tests.web.route_roles import ANYONE_SIGNED_IN, DEFINERS, MANAGERS, MARKETING, roles

# Signing is for the approver roles (BATON_PLAYBOOK_APPROVER_ROLES, default marketing and
# sales_manager): the service refuses an admin's signature with a 403.
APPROVERS = roles("marketing", "sales_manager")

EXPECTED = {
    ("GET", "/manager"): MANAGERS,
    ("GET", "/manager/teams/{team_id}"): MANAGERS,
    ("POST", "/manager/teams/{team_id}/reassign/{lead_id}"): MANAGERS,
    ("POST", "/manager/teams/{team_id}/out-of-office"): MANAGERS,
    ("POST", "/manager/teams/{team_id}/out-of-office/{period_id}/cancel"): MANAGERS,
    ("GET", "/marketing"): MARKETING,
    ("GET", "/dashboards"): ANYONE_SIGNED_IN,
    ("GET", "/dashboards/funnel"): ANYONE_SIGNED_IN,
    ("GET", "/dashboards/velocity"): ANYONE_SIGNED_IN,
    ("GET", "/dashboards/stalls"): ANYONE_SIGNED_IN,
    ("GET", "/dashboards/programs"): ANYONE_SIGNED_IN,
    ("GET", "/dashboards/sla"): ANYONE_SIGNED_IN,
    ("GET", "/playbook"): ANYONE_SIGNED_IN,
    ("GET", "/playbook/propose"): DEFINERS,
    ("POST", "/playbook/propose"): DEFINERS,
    ("GET", "/playbook/versions/{version}"): ANYONE_SIGNED_IN,
    ("GET", "/playbook/versions/{version}/impact"): ANYONE_SIGNED_IN,
    ("POST", "/playbook/versions/{version}/approve"): APPROVERS,
    ("POST", "/playbook/versions/{version}/activate"): DEFINERS,
    ("POST", "/playbook/versions/{version}/withdraw"): DEFINERS,
}
