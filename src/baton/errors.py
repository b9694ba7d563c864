"""Domain exceptions; each carries the HTTP status and a stable code."""

from typing import Any


class BatonError(Exception):
    """Base of every error a user can cause; never a 500."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body: {"error": {"code", "message", "fields"}}."""
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(BatonError):
    status = 422
    code = "validation_error"


class NotFound(BatonError):
    status = 404
    code = "not_found"


class Conflict(BatonError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class IdempotencyMismatch(BatonError):
    status = 422
    code = "idempotency_key_reused"


class Unauthorized(BatonError):
    status = 401
    code = "unauthorized"


class Forbidden(BatonError):
    status = 403
    code = "forbidden"


class RateLimited(BatonError):
    status = 429
    code = "rate_limited"


class PayloadTooLarge(BatonError):
    status = 413
    code = "payload_too_large"
