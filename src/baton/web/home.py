"""The landing page and the health check."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness for load balancers and the test harness."""
    return {"status": "ok"}
