"""Charts for pages: a JSON spec drawn by static/charts.js, always with its table and CSV."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.responses import Response

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
KINDS = ("bar", "stacked", "line", "hbar")


def chart(
    chart_id: str,
    *,
    kind: str,
    title: str,
    labels: Sequence[Any],
    series: dict[str, Sequence[float | int | None]],
    x_label: str,
    y_label: str,
    csv_href: str | None = "?format=csv",
    percent: bool = False,
) -> dict[str, Any]:
    """The spec {{ chart(spec) }} draws: one x label per category, one data list per series."""
    if kind not in KINDS:
        raise ValueError(f"chart kind {kind!r}: one of {KINDS}")
    for name, values in series.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    return {
        "id": chart_id,
        "kind": kind,
        "title": title,
        "labels": [str(label) for label in labels],
        "series": [
            {"label": name, "data": list(values), "color": PALETTE[i % len(PALETTE)]}
            for i, (name, values) in enumerate(series.items())
        ],
        "x_label": x_label,
        "y_label": y_label,
        "csv_href": csv_href,
        "percent": percent,
    }


def bar_chart(chart_id: str, **kw: Any) -> dict[str, Any]:
    """A bar chart (several series side by side)."""
    return chart(chart_id, kind="bar", **kw)


def stacked_chart(chart_id: str, **kw: Any) -> dict[str, Any]:
    """A stacked bar chart (series add up per category)."""
    return chart(chart_id, kind="stacked", **kw)


def line_chart(chart_id: str, **kw: Any) -> dict[str, Any]:
    """A line chart (labels are usually dates or weeks)."""
    return chart(chart_id, kind="line", **kw)


def wants_csv(format: str) -> bool:
    """True for ?format=csv (the convention every chart's download link follows)."""
    return format.lower() == "csv"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download of a table (the same rows the page shows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
