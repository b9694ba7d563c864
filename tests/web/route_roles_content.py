"""Who may use the sales-tools library's routes (#11): marketing and admins edit the library
and close material requests; every signed-in role reads, searches, rates, records usage,
requests material and logs objections."""

from datetime import UTC, datetime

from baton.models import MaterialRequest
from tests.content_builders import make_item
from tests.web.route_roles import ANYONE_SIGNED_IN, MARKETING

EXPECTED = {
    # --- API ---
    ("GET", "/api/content"): ANYONE_SIGNED_IN,
    ("POST", "/api/content"): MARKETING,
    ("GET", "/api/content/search"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/recommendations/{lead_id}"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/objections"): ANYONE_SIGNED_IN,
    ("POST", "/api/content/requests"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/requests"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/content/requests/{request_id}"): MARKETING,
    ("POST", "/api/content/field-notes"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/field-notes"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/{item_id}"): ANYONE_SIGNED_IN,
    ("PATCH", "/api/content/{item_id}"): MARKETING,
    ("GET", "/api/content/{item_id}/versions"): ANYONE_SIGNED_IN,
    ("PUT", "/api/content/{item_id}/file"): MARKETING,
    ("GET", "/api/content/{item_id}/file"): ANYONE_SIGNED_IN,
    ("POST", "/api/content/{item_id}/usage"): ANYONE_SIGNED_IN,
    ("PUT", "/api/content/{item_id}/rating"): ANYONE_SIGNED_IN,
    ("GET", "/api/content/{item_id}/influence"): ANYONE_SIGNED_IN,
    # --- pages ---
    ("GET", "/content"): ANYONE_SIGNED_IN,
    ("GET", "/content/new"): MARKETING,
    ("POST", "/content/new"): MARKETING,
    ("GET", "/content/{item_id}"): ANYONE_SIGNED_IN,
    ("GET", "/content/{item_id}/edit"): MARKETING,
    ("POST", "/content/{item_id}/edit"): MARKETING,
    ("POST", "/content/{item_id}/file"): MARKETING,
    ("GET", "/content/{item_id}/file"): ANYONE_SIGNED_IN,
    ("GET", "/content/objections"): ANYONE_SIGNED_IN,
    ("POST", "/content/field-notes"): ANYONE_SIGNED_IN,
    ("POST", "/content/requests"): ANYONE_SIGNED_IN,
    ("POST", "/content/requests/{request_id}"): MARKETING,
    ("POST", "/content/{item_id}/rating"): ANYONE_SIGNED_IN,
    ("POST", "/content/{item_id}/usage"): ANYONE_SIGNED_IN,
}


def path_ids(session, world) -> dict:
    """An item and an open material request for the {item_id} and {request_id} paths."""
    item = make_item(session, title="Route probe", tags={"product": "payments"})
    request = MaterialRequest(description="probe", status="open",
                              created_at=datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    session.add(request)
    session.flush()
    return {"item_id": item.id, "request_id": request.id}
