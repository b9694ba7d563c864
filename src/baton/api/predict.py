"""API: train, evaluate, list and activate predictive models; read and refresh predictions."""

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends

from baton.api.deps import CurrentUser, NowDep, RequireRole, SessionDep
from baton.schemas.predict import (
    EvaluationRead,
    EvaluationRow,
    ModelVersionRead,
    PredictionRead,
    RuleScoreRead,
    ScoreRequest,
    ScoreSliceRead,
    TrainRead,
    TrainRequest,
)


def _predict():
    """The predictive-scoring services, imported on first use: they load scikit-learn (~1 s),
    which no other request or command should wait for."""
    from baton.services import predict

    return predict


if TYPE_CHECKING:
    from baton.services.predict import PredictionView

router = APIRouter(prefix="/api", tags=["predict"])
EDITORS = Depends(RequireRole("admin", "marketing"))


def prediction_read(view: "PredictionView") -> PredictionRead:
    """A stored prediction with the lead's rule score beside it."""
    row, rule = view.prediction, view.rule
    return PredictionRead(
        lead_id=row.lead_id,
        probability=row.probability,
        model_version_id=row.model_version_id,
        top_features=row.top_features,
        scored_at=row.scored_at,
        rule_score=RuleScoreRead.model_validate(rule, from_attributes=True) if rule else None,
    )


@router.post("/predict/train", status_code=201, response_model=TrainRead, dependencies=[EDITORS])
def train(body: TrainRequest, session: SessionDep, user: CurrentUser, now: NowDep) -> TrainRead:
    """Train every model kind on the leads whose outcome is known (and store them)."""
    summary = _predict().train_models(
        session,
        now=now,
        actor_id=user.id,
        horizon_days=body.horizon_days,
        by=body.by,
        activate=body.activate,
    )
    return TrainRead(
        versions=[ModelVersionRead.model_validate(v) for v in summary.versions],
        examples=summary.examples,
        thin_segments=summary.thin_segments,
        activated=summary.activated,
    )


@router.get("/predict/evaluate", response_model=EvaluationRead, dependencies=[EDITORS])
def evaluate(session: SessionDep, now: NowDep, horizon_days: int | None = None) -> EvaluationRead:
    """Rule score, learned models and the naive-Bayes baseline on one time-ordered split."""
    found = _predict().evaluate_models(session, now=now, horizon_days=horizon_days)
    return EvaluationRead(rows=[EvaluationRow(name=k, metrics=v) for k, v in found.items()])


@router.get("/predict/models", response_model=list[ModelVersionRead])
def models(session: SessionDep, _user: CurrentUser) -> list[ModelVersionRead]:
    """Every stored model version, newest first."""
    return [ModelVersionRead.model_validate(v) for v in _predict().list_versions(session)]


@router.post(
    "/predict/models/{version_id}/activate",
    response_model=ModelVersionRead,
    dependencies=[EDITORS],
)
def activate(version_id: int, session: SessionDep, now: NowDep) -> ModelVersionRead:
    """Make this version its segment's active model."""
    row = _predict().activate_version(session, version_id=version_id, now=now)
    return ModelVersionRead.model_validate(row)


@router.post("/predict/score", response_model=ScoreSliceRead, dependencies=[EDITORS])
def score(body: ScoreRequest, session: SessionDep, now: NowDep) -> ScoreSliceRead:
    """Score one slice of leads (ids after `after_id`); call again with `next_after_id`."""
    part = _predict().score_all(session, now=now, after_id=body.after_id, max_leads=body.max_leads)
    return ScoreSliceRead(scored=part.scored, next_after_id=part.next_after_id, total=part.total)


@router.get("/leads/{lead_id}/prediction", response_model=PredictionRead)
def get_prediction(lead_id: int, session: SessionDep, _user: CurrentUser) -> PredictionRead:
    """The lead's stored probability of winning, its top features and its rule score."""
    return prediction_read(_predict().prediction_view(session, lead_id))


@router.post("/leads/{lead_id}/prediction", response_model=PredictionRead)
def refresh_prediction(
    lead_id: int, session: SessionDep, _user: CurrentUser, now: NowDep
) -> PredictionRead:
    """Score the lead now with the active model and store it (e.g. right after intake)."""
    return prediction_read(_predict().refresh_prediction(session, lead_id=lead_id, now=now))
