"""Who may use the analytics and predictive-scoring API (#6, #12): every report and every
stored prediction is for everyone signed in; training, evaluating, scoring and activating
models are marketing's (and the admin's)."""

from baton.models import ModelVersion
from tests.builders import T0
from tests.web.route_roles import ANYONE_SIGNED_IN, MARKETING

EXPECTED = {
    ("GET", "/api/reports/rejections"): ANYONE_SIGNED_IN,
    ("GET", "/api/reports/attribution"): ANYONE_SIGNED_IN,
    ("POST", "/api/predict/train"): MARKETING,
    ("GET", "/api/predict/evaluate"): MARKETING,
    ("GET", "/api/predict/models"): ANYONE_SIGNED_IN,
    ("POST", "/api/predict/models/{version_id}/activate"): MARKETING,
    ("POST", "/api/predict/score"): MARKETING,
    ("GET", "/api/leads/{lead_id}/prediction"): ANYONE_SIGNED_IN,
    ("POST", "/api/leads/{lead_id}/prediction"): ANYONE_SIGNED_IN,
}


def path_ids(session, world) -> dict:
    """A stored (empty) model version, so activation has something to act on."""
    version = ModelVersion(
        kind="logistic", segment="global", horizon_days=180, created_at=T0, window_from=T0,
        window_to=T0, n_train=0, n_valid=0, positives=0, metrics={}, feature_spec={},
        model=b"", active=False,
    )  # fmt: skip
    session.add(version)
    session.flush()
    return {"version_id": version.id}
