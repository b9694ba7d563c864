"""Paging for lists: ?page=N with the other query parameters kept."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int
    base: str
    params: tuple[tuple[str, str], ...]

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def csv_url(self) -> str:
        """The same list as a CSV download (the ?format=csv convention)."""
        return f"{self.base}?{urlencode([*self.params, ('format', 'csv')])}"

    def url(self, number: int) -> str:
        """This list's address at page `number` (same filters)."""
        return f"{self.base}?{urlencode([*self.params, ('page', str(number))])}"


def page_of(request: Request, *, per_page: int, total: int = 0) -> Page:
    """The requested page (1 when absent or not a positive number)."""
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    params = tuple((k, v) for k, v in request.query_params.multi_items() if k != "page" and v)
    return Page(number, per_page, total, request.url.path, params)
