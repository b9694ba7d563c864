"""Playbook version input and output shapes, and the impact preview's report."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_DOCUMENT = 512_000  # characters; the default playbook is about 5,000

Note = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2_000)]


class PlaybookDocument(BaseModel):
    """A playbook as YAML text (in a JSON string), e.g. to validate it."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(max_length=MAX_DOCUMENT, description="the playbook as YAML text")


class PlaybookProposal(PlaybookDocument):
    """A new version to propose, and why."""

    note: Note = None


class PlaybookProblem(BaseModel):
    path: str = Field(description="e.g. engagement.rules[3].points")
    message: str
    line: int | None = None


class ValidationReport(BaseModel):
    """Whether the document is a valid playbook, and every problem with its path and line."""

    ok: bool
    errors: list[PlaybookProblem] = []


class SignatureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    email: str
    role: str
    approved_at: datetime


class PlaybookVersionRead(BaseModel):
    """A version's status and signatures (its document: GET /api/playbooks/{version})."""

    version: int
    status: str = Field(description="proposed, active, retired or withdrawn")
    note: str | None
    proposed_by: int | None
    created_at: datetime
    activated_at: datetime | None
    activated_by: int | None
    retired_at: datetime | None
    signatures: list[SignatureRead]
    missing_roles: list[str] = Field(description="approver roles yet to sign a proposal")


class PlaybookVersionDetail(PlaybookVersionRead):
    document: str = Field(description="the YAML text as proposed")
    playbook: dict[str, Any] = Field(description="the parsed document, with defaults filled in")


class DiffRead(BaseModel):
    a: int
    b: int
    changes: list[str] = Field(description="e.g. `mql.fit_min: 30 → 35`")


class GroupChange(BaseModel):
    """MQL movements among the leads of one product, channel or persona."""

    value: str | None
    leads: int
    enter: int
    leave: int


class GradeCount(BaseModel):
    grade: str
    before: int
    after: int


class PreviewRead(BaseModel):
    """What the version would change for the current leads, scored now under both."""

    leads: int = Field(description="leads the MQL rule decides: inquiry, mql and recycled")
    mql_before: int
    mql_after: int
    enter: int = Field(description="not an MQL under the baseline, an MQL under the version")
    leave: int = Field(description="an MQL under the baseline, not under the version")
    by_product: list[GroupChange]
    by_channel: list[GroupChange]
    by_persona: list[GroupChange] = Field(description="the persona under the previewed version")
    grades: list[GradeCount]


class BacktestResult(BaseModel):
    """One version's MQL rule against known outcomes."""

    version: int
    tp: int
    fp: int
    fn: int
    tn: int
    predicted: int
    precision: float | None = Field(description="won among predicted MQLs; null with none")
    recall: float | None = Field(description="share of won leads predicted MQL; null with none")


class BacktestRead(BaseModel):
    leads: int = Field(description="leads with a known outcome")
    won: int
    not_won: int
    baseline: BacktestResult
    version: BacktestResult


class ImpactRead(BaseModel):
    """The impact of `version` beside `baseline` (by default the active version)."""

    version: int
    baseline: int
    at: datetime
    preview: PreviewRead
    backtest: BacktestRead
