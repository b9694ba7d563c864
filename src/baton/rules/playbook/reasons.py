"""The `reasons` section: why sales may reject a lead, and where each reason sends it."""

from typing import Annotated, Literal

from pydantic import StringConstraints

from baton.rules.playbook.base import Name, Section

# Stored in rejections.reason_code (40 characters): stable, lowercase, no spaces.
REASON_CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
ReasonCode = Annotated[str, StringConstraints(pattern=REASON_CODE_PATTERN)]
# recycle: back to marketing's nurture (may become an MQL again); disqualify: out for good.
Outcome = Literal["recycle", "disqualify"]


class Reason(Section):
    """One rejection reason: a stable code, a label people read, and what happens next."""

    code: ReasonCode
    label: Name
    then: Outcome

    @property
    def stage(self) -> str:
        """The lifecycle stage a lead rejected for this reason moves to."""
        return "recycled" if self.then == "recycle" else "disqualified"
