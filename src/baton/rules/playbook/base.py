"""What every playbook section shares: unknown keys are errors, values are never coerced."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Section(BaseModel):
    """A playbook section: typos are refused (extra="forbid"), YAML types are kept (strict)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# A finite number of points (negative allowed); `.inf` and `.nan` are mistakes.
Points = Annotated[float, Field(allow_inf_nan=False)]
# A positive finite number: caps, half-lives, windows.
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
# Stable rule ids, so contributions and diffs name rules by more than their position.
RULE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,59}$"
RuleId = Annotated[str, StringConstraints(pattern=RULE_ID_PATTERN)]
# Event types as the event intake accepts them.
EVENT_TYPE_PATTERN = r"^[a-z_]{1,40}$"
EventType = Annotated[str, StringConstraints(pattern=EVENT_TYPE_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
