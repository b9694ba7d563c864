"""Model versions: stored with their metrics, data window and the fitted model itself.

The fitted model is pickled into the row (LargeBinary), not written to a file: it commits
or rolls back with its metrics, travels with backups and replicas, and every API or worker
process reads the same bytes without a shared disk. Models are small (a logistic model is a
few KB, a gradient-boosted one a few hundred KB). Only Baton writes these rows, so
unpickling them trusts nothing a user sent.
"""

import hashlib
import pickle
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import ModelVersion
from baton.rules import predict as rules


def save_version(
    session: Session, trained: rules.Trained, *, horizon_days: int, actor_id, now: datetime
) -> ModelVersion:
    """A new, inactive version row for one trained model."""
    row = ModelVersion(
        kind=trained.kind,
        segment=trained.segment,
        horizon_days=horizon_days,
        created_at=now,
        window_from=trained.window_from,
        window_to=trained.window_to,
        n_train=trained.n_train,
        n_valid=trained.n_valid,
        positives=trained.positives,
        metrics=trained.metrics,
        feature_spec=trained.model.spec.to_json(),
        model=pickle.dumps(trained.model, protocol=pickle.HIGHEST_PROTOCOL),
        active=False,
        trained_by=actor_id,
    )
    session.add(row)
    session.flush()
    return row


def get_version(session: Session, version_id: int) -> ModelVersion:
    row = session.get(ModelVersion, version_id)
    if row is None:
        raise NotFound(f"model version {version_id} does not exist")
    return row


def list_versions(session: Session) -> list[ModelVersion]:
    """Every version, newest first."""
    return list(session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc())))


def activate_version(session: Session, *, version_id: int, now: datetime) -> ModelVersion:
    """Make this version its segment's one active model (the previous one steps down)."""
    row = get_version(session, version_id)
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.segment == row.segment, ModelVersion.id != row.id)
        .values(active=False)
    )
    row.active = True
    row.activated_at = now
    session.flush()
    return row


_loaded: dict[bytes, rules.FittedModel] = {}
CACHE = 16


def load_model(row: ModelVersion) -> rules.FittedModel:
    """The fitted model of a version, unpickled once per process (keyed by its bytes' hash:
    ids repeat across databases, bytes do not)."""
    key = hashlib.sha256(row.model).digest()
    if key not in _loaded:
        if len(_loaded) >= CACHE:
            _loaded.pop(next(iter(_loaded)))
        _loaded[key] = pickle.loads(row.model)  # rows written by Baton only
    return _loaded[key]


def active_versions(session: Session) -> dict[str, ModelVersion]:
    """The active version of each segment, by segment."""
    rows = session.scalars(select(ModelVersion).where(ModelVersion.active.is_(True)))
    return {row.segment: row for row in rows}
