"""`baton content add|list|search|show|usage|objections`: the sales-tools library."""

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.config import get_settings
from baton.errors import NotFound, ValidationFailed
from baton.models import User
from baton.rules.content.search_text import strip_marks
from baton.rules.content.vocabulary import FACETS, KINDS
from baton.schemas.content import ContentCreate, clean_tags
from baton.schemas.programs import validated
from baton.services.content import files, items, reports, search, views

app = typer.Typer(help="The sales-tools library: battle cards, collateral, scripts...",
                  no_args_is_help=True)  # fmt: skip
TAG = typer.Option([], "--tag", help=f"FACET=VALUE, repeatable; facets: {', '.join(FACETS)}")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table")
KIND_HELP = f"One of: {', '.join(KINDS)}"


def parse_tags(pairs: list[str]) -> dict[str, list[str]]:
    """['product=payments', 'competitor=stripe'] as {facet: [values]}."""
    tags: dict[str, list[str]] = {}
    for pair in pairs:
        facet, sep, value = pair.partition("=")
        if not sep or not value.strip():
            raise ValidationFailed(f"a tag is FACET=VALUE, not {pair!r}",
                                   fields=[{"path": "tag", "message": "FACET=VALUE"}])  # fmt: skip
        tags.setdefault(facet.strip().lower(), []).append(value)
    return tags


@app.command("add")
@reports_errors
def add(
    title: str,
    kind: str = typer.Option(..., help=KIND_HELP),
    body: str | None = typer.Option(None, help="Markdown text"),
    body_file: Path | None = typer.Option(None, help="Read the Markdown body from this file"),
    link: str | None = typer.Option(None, help="http(s) link to the material"),
    file: Path | None = typer.Option(None, help="Attach this file (PDF, PPTX, PNG...)"),
    tag: list[str] = TAG,
    review_on: str | None = typer.Option(None, help="Review date YYYY-MM-DD; stale after it"),
    status: str = typer.Option("published", help="draft, published or archived"),
    owner: str | None = typer.Option(None, help="Owner's e-mail"),
) -> None:
    """Add an item to the library (with a body, a link and/or a file)."""
    if body_file is not None:
        body = body_file.read_text(encoding="utf-8")
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "body": body,
        "link": link,
        "tags": parse_tags(tag),
        "review_on": review_on,
        "status": status,
    }
    if file is not None and not (body or link):
        values["body"] = f"See the attached file {file.name}."
    settings = get_settings()
    with unit_of_work() as session:
        if owner:
            user = session.scalar(select(User).where(User.email == owner.strip().lower()))
            if user is None:
                raise NotFound(f"no user with the e-mail {owner!r}")
            values["owner_id"] = user.id
        data = validated(ContentCreate, {k: v for k, v in values.items() if v is not None})
        item = items.create_item(session, data=data, actor=CLI_ACTOR, now=now())
        if file is not None:
            with file.open("rb") as stream:
                files.upload_file(session, item_id=item.id, stream=stream, filename=file.name,
                                  directory=files.content_directory(settings),
                                  max_bytes=settings.content_max_bytes, actor=CLI_ACTOR,
                                  now=now())  # fmt: skip
        console.print(f"content item {item.id} {escape(item.title)!r} ({item.kind}) added")


def _tags(tags: dict[str, list[str]]) -> str:
    return "; ".join(f"{f}: {', '.join(v)}" for f, v in tags.items())


@app.command("list")
@reports_errors
def list_(
    kind: str | None = typer.Option(None, help=KIND_HELP),
    tag: list[str] = TAG,
    stale: bool = typer.Option(False, "--stale", help="Only items past their review date"),
    status: str | None = typer.Option(None, help="draft, published or archived"),
    as_csv: bool = CSV,
) -> None:
    """Items, newest change first (archived ones only with --status archived)."""
    with unit_of_work() as session:
        found = items.list_items(session, now=now(), kind=kind, status=status,
                                 tags=_checked(tag), stale=True if stale else None,
                                 limit=1000)  # fmt: skip
    header = ["id", "kind", "title", "status", "tags", "file", "review on", "stale"]
    rows = [[v.item.id, v.item.kind, v.item.title, v.item.status, _tags(v.tags),
             v.item.file_name or "", v.item.review_on or "", "stale" if v.stale else ""]
            for v in found]  # fmt: skip
    _print("Sales tools", header, rows, as_csv)


def _checked(pairs: list[str]) -> dict[str, list[str]]:
    try:
        return clean_tags(parse_tags(pairs))
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


@app.command("search")
@reports_errors
def search_(
    query: str,
    tag: list[str] = TAG,
    kind: str | None = typer.Option(None, help=KIND_HELP),
    limit: int = typer.Option(20, min=1, max=100),
    as_csv: bool = CSV,
) -> None:
    """Full-text search over titles, tags and bodies (every word, as a prefix)."""
    with unit_of_work() as session:
        hits = search.search_content(session, query=query, now=now(), tags=_checked(tag),
                                     kind=kind, limit=limit)  # fmt: skip
    header = ["id", "kind", "title", "rank", "snippet"]
    rows = [[h.view.item.id, h.view.item.kind, h.view.item.title, f"{h.rank:.3f}",
             strip_marks(h.snippet)] for h in hits]  # fmt: skip
    _print(f"Search: {query}", header, rows, as_csv)


@app.command("show")
@reports_errors
def show(item_id: int) -> None:
    """One item: its fields, tags, body (Markdown) and versions."""
    with unit_of_work() as session:
        view = views.read_item(session, item_id=item_id, now=now())
        versions = items.list_versions(session, item_id=item_id)
    item = view.item
    console.print(f"[bold]{escape(item.title)}[/bold]  ({item.kind}, {item.status}, "
                  f"version {item.version})")  # fmt: skip
    console.print(f"tags: {escape(_tags(view.tags)) or '-'}")
    if item.link:
        console.print(f"link: {escape(item.link)}")
    if item.file_name:
        console.print(f"file: {escape(item.file_name)} ({item.file_mime}, {item.file_size:,} "
                      f"bytes, sha256 {item.file_sha256})")  # fmt: skip
    if item.review_on:
        console.print(
            f"review on: {item.review_on}" + (" [red](stale)[/red]" if view.stale else "")
        )
    if view.rating_count:
        console.print(f"rating: {view.rating_average} from {view.rating_count}")
    console.print()
    console.print(escape(item.body or ""), highlight=False)
    for v in versions:
        console.print(f"version {v.version}: {escape(v.title)} ({v.created_at:%Y-%m-%d %H:%M})")


@app.command("usage")
@reports_errors
def usage(item_id: int) -> None:
    """Uses, leads and opportunities touched, and win rates with and without the item."""
    with unit_of_work() as session:
        found = reports.item_influence(session, item_id=item_id)
    inf = found.influence
    table = Table(title=f"Item {item_id}: usage and influence ({found.population})")
    for column in ("uses", "leads", "opportunities", "won/closed with", "rate with",
                   "won/closed without", "rate without", "p"):  # fmt: skip
        table.add_column(column)
    table.add_row(str(found.uses), str(found.leads), str(found.opportunities),
                  f"{inf.with_item_won}/{inf.with_item}", _rate(inf.win_rate_with),
                  f"{inf.without_item_won}/{inf.without_item}", _rate(inf.win_rate_without),
                  "" if inf.p_value is None else f"{inf.p_value:.3g}")  # fmt: skip
    console.print(table)


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


@app.command("objections")
@reports_errors
def objections(
    start: datetime = typer.Option(..., "--from", help="First day (UTC), YYYY-MM-DD"),
    end: datetime = typer.Option(..., "--to", help="Last day (UTC), included"),
    product: str | None = typer.Option(None),
    competitor: str | None = typer.Option(None),
    as_csv: bool = CSV,
) -> None:
    """Objections heard, most frequent first, and which have no answer in the library."""
    with unit_of_work() as session:
        rows = reports.objections_report(session, start=start.date(), end=end.date(),
                                         product=product, competitor=competitor)  # fmt: skip
    header = ["topic", "product", "competitor", "count", "last heard", "answered by", "gap"]
    lines = [[r.group.topic, r.group.product or "", r.group.competitor or "", r.group.count,
              f"{r.last_heard:%Y-%m-%d}", " ".join(map(str, r.covered_by)),
              "" if r.covered_by else "GAP"] for r in rows]  # fmt: skip
    _print("Objections", header, lines, as_csv)


def _print(title: str, header: list[str], rows: list[list], as_csv: bool) -> None:
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
        return
    table = Table(title=title)
    for column in header:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(v)) for v in row))
    console.print(table)
