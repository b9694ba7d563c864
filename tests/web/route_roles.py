"""Who may use each route: the expectations of tests/web/test_authorisation.py.

Written from the issues (who does what), not read off the code. Other features add theirs in
tests/web/route_roles_<topic>.py with the same shape (see docs/web.md).
"""

ROLES = ("admin", "marketing", "sales_manager", "sales_rep")


def roles(*names: str) -> frozenset[str]:
    """The roles that may use a route (the others get 403)."""
    unknown = set(names) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(names)


PUBLIC = "public"  # anyone, signed in or not (the route does its own checks, if any)
ANYONE_SIGNED_IN = roles(*ROLES)
ADMIN = roles("admin")
MARKETING = roles("admin", "marketing")
MANAGERS = roles("admin", "sales_manager")
DEFINERS = roles("admin", "marketing", "sales_manager")
# Hand-off answers on the world's lead (owned by the world's rep, in the manager's team).
SALES = roles("admin", "sales_manager", "sales_rep")

EXPECTED: dict[tuple[str, str], frozenset[str] | str] = {
    # --- pages (#7) ---
    ("GET", "/health"): PUBLIC,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("GET", "/setup"): PUBLIC,
    ("POST", "/setup"): PUBLIC,
    ("POST", "/signout"): ANYONE_SIGNED_IN,
    ("GET", "/"): ANYONE_SIGNED_IN,
    ("GET", "/account"): ANYONE_SIGNED_IN,
    ("POST", "/account/tokens"): ANYONE_SIGNED_IN,
    ("POST", "/account/tokens/{token_id}/revoke"): ANYONE_SIGNED_IN,
    ("POST", "/account/password"): ANYONE_SIGNED_IN,
    ("GET", "/teams/{team_id}"): SALES,
    ("GET", "/inbox"): SALES,
    ("GET", "/leads"): ANYONE_SIGNED_IN,
    ("GET", "/leads/{lead_id}"): ANYONE_SIGNED_IN,
    ("POST", "/leads/{lead_id}/accept"): SALES,
    ("POST", "/leads/{lead_id}/reject"): SALES,
    ("POST", "/leads/{lead_id}/attempts"): SALES,
    ("POST", "/leads/{lead_id}/qualify"): SALES,
    ("POST", "/leads/{lead_id}/opportunities"): SALES,
    ("POST", "/leads/{lead_id}/merge"): DEFINERS,
    # --- leads, events, imports, privacy (#2) ---
    ("POST", "/api/leads/bulk"): ANYONE_SIGNED_IN,
    ("POST", "/api/leads"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/leads/{lead_id}"): ANYONE_SIGNED_IN,
    ("GET", "/api/leads"): ANYONE_SIGNED_IN,
    ("GET", "/api/leads/{lead_id}"): ANYONE_SIGNED_IN,
    ("POST", "/api/leads/{lead_id}/stage"): ANYONE_SIGNED_IN,
    ("POST", "/api/leads/{lead_id}/merge"): DEFINERS,
    ("DELETE", "/api/leads/{lead_id}"): ADMIN,
    ("POST", "/api/events"): MARKETING,
    ("POST", "/api/programs"): MARKETING,
    ("PATCH", "/api/programs/{program_id}"): MARKETING,
    ("GET", "/api/programs"): ANYONE_SIGNED_IN,
    ("GET", "/api/programs/{program_id}"): ANYONE_SIGNED_IN,
    ("POST", "/api/forms"): MARKETING,
    ("PATCH", "/api/forms/{form_id}"): MARKETING,
    ("GET", "/api/forms"): MARKETING,
    ("GET", "/api/forms/{form_id}"): MARKETING,
    ("POST", "/forms/{form_key}"): PUBLIC,
    ("GET", "/api/me"): ANYONE_SIGNED_IN,
    ("POST", "/api/users"): ADMIN,
    ("GET", "/api/users"): MANAGERS,
    ("POST", "/api/tokens"): ANYONE_SIGNED_IN,
    ("GET", "/api/tokens"): ANYONE_SIGNED_IN,
    ("DELETE", "/api/tokens/{token_id}"): ANYONE_SIGNED_IN,
    # --- the lead definition: playbooks, scores (#3) ---
    ("GET", "/api/playbooks"): ANYONE_SIGNED_IN,
    ("GET", "/api/playbooks/active"): ANYONE_SIGNED_IN,
    ("POST", "/api/playbooks/validate"): ANYONE_SIGNED_IN,
    ("POST", "/api/playbooks"): DEFINERS,
    ("GET", "/api/playbooks/{version}"): ANYONE_SIGNED_IN,
    # Approvers sign for their role; admin is not an approver role by default.
    ("POST", "/api/playbooks/{version}/approve"): roles("marketing", "sales_manager"),
    ("POST", "/api/playbooks/{version}/activate"): DEFINERS,
    ("POST", "/api/playbooks/{version}/withdraw"): DEFINERS,
    ("GET", "/api/playbooks/{a}/diff/{b}"): ANYONE_SIGNED_IN,
    ("GET", "/api/playbooks/{version}/preview"): ANYONE_SIGNED_IN,
    ("GET", "/api/leads/{lead_id}/score"): ANYONE_SIGNED_IN,
    # --- notifications (#2/#4) ---
    ("POST", "/api/webhooks"): ADMIN,
    ("GET", "/api/webhooks"): ADMIN,
    ("GET", "/api/webhooks/{webhook_id}"): ADMIN,
    ("DELETE", "/api/webhooks/{webhook_id}"): ADMIN,
    ("POST", "/api/webhooks/{webhook_id}/test"): ADMIN,
    ("GET", "/api/outbox"): ADMIN,
    ("POST", "/api/outbox/retry-dead"): ADMIN,
    ("GET", "/api/outbox/{message_id}"): ADMIN,
    ("POST", "/api/outbox/{message_id}/retry"): ADMIN,
    # --- the hand-off (#4) ---
    ("POST", "/api/leads/{lead_id}/accept"): SALES,
    ("POST", "/api/leads/{lead_id}/reject"): SALES,
    ("POST", "/api/leads/{lead_id}/attempts"): SALES,
    ("GET", "/api/leads/{lead_id}/attempts"): ANYONE_SIGNED_IN,
    ("GET", "/api/leads/{lead_id}/rejections"): ANYONE_SIGNED_IN,
    ("POST", "/api/leads/{lead_id}/connected"): SALES,
    ("POST", "/api/leads/{lead_id}/qualify"): SALES,
    ("POST", "/api/leads/{lead_id}/reassign"): MANAGERS,
    ("POST", "/api/leads/{lead_id}/opportunities"): SALES,
    ("GET", "/api/leads/{lead_id}/opportunities"): ANYONE_SIGNED_IN,
    ("GET", "/api/opportunities"): ANYONE_SIGNED_IN,
    ("GET", "/api/opportunities/{opportunity_id}"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/opportunities/{opportunity_id}"): SALES,
    ("POST", "/api/opportunities/{opportunity_id}/close"): SALES,
    ("GET", "/api/recycling/queue"): MARKETING,
    ("GET", "/api/recycling/reasons"): DEFINERS,
    ("POST", "/api/routing/leads/{lead_id}"): DEFINERS,
    ("POST", "/api/routing/run"): DEFINERS,
    ("GET", "/api/routing/leads/{lead_id}/assignments"): ANYONE_SIGNED_IN,
    ("POST", "/api/teams"): MANAGERS,
    ("GET", "/api/teams"): ANYONE_SIGNED_IN,
    ("GET", "/api/teams/{team_id}"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/teams/{team_id}"): MANAGERS,
    ("POST", "/api/teams/{team_id}/members"): MANAGERS,
    ("PATCH", "/api/teams/{team_id}/members/{user_id}"): MANAGERS,
    ("DELETE", "/api/teams/{team_id}/members/{user_id}"): MANAGERS,
    ("PUT", "/api/teams/{team_id}/territory"): MANAGERS,
    ("GET", "/api/teams/{team_id}/out-of-office"): ANYONE_SIGNED_IN,
    ("POST", "/api/teams/{team_id}/out-of-office"): MANAGERS,
    ("DELETE", "/api/teams/{team_id}/out-of-office/{period_id}"): MANAGERS,
    ("GET", "/api/teams/{team_id}/queue"): MANAGERS,
    # --- the SLA (#5) ---
    ("POST", "/api/calendars"): MANAGERS,
    ("GET", "/api/calendars"): ANYONE_SIGNED_IN,
    ("GET", "/api/calendars/effective"): ANYONE_SIGNED_IN,
    ("GET", "/api/calendars/{calendar_id}"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/calendars/{calendar_id}"): MANAGERS,
    ("GET", "/api/sla/report"): ANYONE_SIGNED_IN,
    ("GET", "/api/sla/marketing"): ANYONE_SIGNED_IN,
    ("GET", "/api/sla/leads/{lead_id}/clocks"): ANYONE_SIGNED_IN,
    # --- analytics (#6) ---
    ("GET", "/api/reports/funnel"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/conversion"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/velocity"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/programs"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/stalls"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/value"): ANYONE_SIGNED_IN,
}


# Answers that differ from the table today, each with why. The test fails when one of them
# is fixed (so the row is removed) as well as when any other route deviates.
KNOWN_DEVIATIONS: dict[tuple[str, str, str], str] = {
    ("POST", "/api/playbooks/validate", "anonymous"): (
        "422 before 401: the body dependency is declared before CurrentUser in "
        "api/playbooks.validate, so an anonymous caller learns the body is invalid first"
    ),
}
