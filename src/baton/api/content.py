"""API: the sales-tools library. Marketing and admins edit; every role reads, records
usage, rates, requests material and logs what it hears in the field."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.errors import PayloadTooLarge, ValidationFailed
from baton.rules.content.files import download_headers
from baton.rules.content.search_text import snippet_html, strip_marks
from baton.schemas.content import (
    ContentCreate,
    ContentRead,
    ContentSummary,
    ContentUpdate,
    FieldNoteCreate,
    FieldNoteRead,
    InfluenceRead,
    Kind,
    LeadRecommendationsRead,
    ObjectionLine,
    ObjectionReportRead,
    RatingCreate,
    RatingRead,
    RecommendationRead,
    RequestCreate,
    RequestRead,
    RequestUpdate,
    SearchHitRead,
    Status,
    UsageCreate,
    UsageRead,
    VersionRead,
    clean_tags,
)
from baton.services.content import feedback, files, items, recommend, reports, search, views

router = APIRouter(prefix="/api/content", tags=["content"])
EDITORS = Depends(RequireRole("admin", "marketing"))
# Multipart framing around the file: an upload whose Content-Length passes the limit by more
# than this is refused before its body is read.
MULTIPART_SLACK = 64 * 1024


def tag_filters(
    product: list[str] = Query([]), persona: list[str] = Query([]),
    stage: list[str] = Query([]), competitor: list[str] = Query([]),
    industry: list[str] = Query([]), objection: list[str] = Query([]),
) -> dict[str, list[str]]:  # fmt: skip
    """Tag filters from the query string (?product=analytics&competitor=stripe)."""
    given = {"product": product, "persona": persona, "stage": stage,
             "competitor": competitor, "industry": industry, "objection": objection}  # fmt: skip
    try:
        return clean_tags({k: v for k, v in given.items() if v})
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


TagFilters = Annotated[dict[str, list[str]], Depends(tag_filters)]


@router.get("", response_model=list[ContentSummary])
def list_content(
    session: SessionDep, _user: CurrentUser, now: NowDep, tags: TagFilters,
    kind: Kind | None = None, status: Status | None = None, stale: bool | None = None,
    limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0),
):  # fmt: skip
    """Items, newest change first, filtered by kind, status, staleness and tags."""
    found = items.list_items(session, now=now, kind=kind, status=status, tags=tags,
                             stale=stale, limit=limit, offset=offset)  # fmt: skip
    return [views.to_summary(v) for v in found]


@router.get("/search", response_model=list[SearchHitRead])
def search_content(
    session: SessionDep, _user: CurrentUser, now: NowDep, tags: TagFilters,
    q: str = Query(..., max_length=500), kind: Kind | None = None,
    limit: int = Query(20, ge=1, le=100),
):  # fmt: skip
    """Full-text search over titles, tags and bodies; every word must match (as a prefix)."""
    hits = search.search_content(session, query=q, now=now, tags=tags, kind=kind, limit=limit)
    return [SearchHitRead(item=views.to_summary(h.view), rank=h.rank,
                          snippet=strip_marks(h.snippet), snippet_html=snippet_html(h.snippet))
            for h in hits]  # fmt: skip


@router.get("/recommendations/{lead_id}", response_model=LeadRecommendationsRead)
def recommendations(
    lead_id: int, session: SessionDep, _user: CurrentUser, now: NowDep,
    limit: int = Query(10, ge=1, le=50),
):  # fmt: skip
    """The items that fit a lead's persona, product, stage, industry and competitors."""
    profile, found = recommend.recommend_for_lead(session, lead_id=lead_id, now=now, limit=limit)
    shown = {"persona": profile.persona, "product": profile.product, "stage": profile.stage,
             "industry": profile.industry, "competitors": sorted(profile.competitors)}  # fmt: skip
    return LeadRecommendationsRead(lead_id=lead_id, profile=shown, items=[
        RecommendationRead(item=views.to_summary(r.view), score=r.recommendation.score,
                           reasons=list(r.recommendation.reasons), stale=r.recommendation.stale)
        for r in found
    ])  # fmt: skip


@router.get("/objections", response_model=ObjectionReportRead)
def objections(
    session: SessionDep, _user: CurrentUser,
    start: date = Query(alias="from"), end: date = Query(alias="to"),
    product: str | None = None, competitor: str | None = None,
):  # fmt: skip
    """Objections heard in the range (UTC days), most frequent first, with coverage gaps."""
    rows = reports.objections_report(session, start=start, end=end, product=product,
                                     competitor=competitor)  # fmt: skip
    return ObjectionReportRead(start=start, end=end, lines=[
        ObjectionLine(topic=r.group.topic, product=r.group.product,
                      competitor=r.group.competitor, count=r.group.count,
                      last_heard=r.last_heard, covered_by=r.covered_by, gap=not r.covered_by)
        for r in rows
    ])  # fmt: skip


@router.post("/requests", status_code=201, response_model=RequestRead)
def create_request(data: RequestCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Ask marketing for material that is missing (any role)."""
    return feedback.request_material(session, data=data, actor=actor, now=now)


@router.get("/requests", response_model=list[RequestRead])
def list_requests(session: SessionDep, _user: CurrentUser, status: str | None = "open"):
    """Material requests, newest first (open ones unless asked otherwise; status= for all)."""
    return feedback.list_requests(session, status=status or None)


@router.patch("/requests/{request_id}", response_model=RequestRead, dependencies=[EDITORS])
def update_request(request_id: int, data: RequestUpdate, session: SessionDep, now: NowDep):
    """Close a request as done (with the answering item) or declined (admin, marketing)."""
    return feedback.update_request(session, request_id=request_id, data=data, now=now)


@router.post("/field-notes", status_code=201, response_model=FieldNoteRead)
def create_field_note(data: FieldNoteCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Log an objection or a qualifying answer heard on a call (any role)."""
    return feedback.log_field_note(session, data=data, actor=actor, now=now)


@router.get("/field-notes", response_model=list[FieldNoteRead])
def list_field_notes(
    session: SessionDep, _user: CurrentUser, kind: str | None = None,
    lead_id: int | None = None, limit: int = Query(100, ge=1, le=1000),
):  # fmt: skip
    """Field notes, newest first."""
    return feedback.list_field_notes(session, kind=kind, lead_id=lead_id, limit=limit)


@router.post("", status_code=201, response_model=ContentRead, dependencies=[EDITORS])
def create_item(data: ContentCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """A new item (admin, marketing): a title and a body or a link; attach a file after."""
    item = items.create_item(session, data=data, actor=actor, now=now)
    return views.to_read(views.read_item(session, item_id=item.id, now=now))


@router.get("/{item_id}", response_model=ContentRead)
def get_item(item_id: int, session: SessionDep, _user: CurrentUser, now: NowDep):
    """One item, its body rendered as sanitised HTML."""
    return views.to_read(views.read_item(session, item_id=item_id, now=now))


@router.patch("/{item_id}", response_model=ContentRead, dependencies=[EDITORS])
def update_item(
    item_id: int, data: ContentUpdate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Change the fields sent (admin, marketing); the old title/body/link become a version."""
    items.update_item(session, item_id=item_id, data=data, actor=actor, now=now)
    return views.to_read(views.read_item(session, item_id=item_id, now=now))


@router.get("/{item_id}/versions", response_model=list[VersionRead])
def list_versions(item_id: int, session: SessionDep, _user: CurrentUser):
    """The item's earlier versions, newest first."""
    return items.list_versions(session, item_id=item_id)


@router.put("/{item_id}/file", response_model=ContentRead, dependencies=[EDITORS])
async def upload(item_id: int, request: Request, session: SessionDep, actor: ActorDep, now: NowDep):
    """Attach a file (multipart field `file`; admin, marketing): PDF, PNG, JPEG, DOCX, PPTX,
    XLSX, TXT, MD or MP4 up to the configured size; the previous state becomes a version."""
    settings = request.app.state.settings
    limit = settings.content_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(f"the upload is larger than the limit of {limit:,} bytes")
    # Count the body as it arrives: a chunked upload without Content-Length stops here too.
    form = await limited(request, limit + MULTIPART_SLACK).form(max_files=1, max_fields=1)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("send the file as the multipart field 'file'",
                                   fields=[{"path": "file", "message": "missing"}])  # fmt: skip
        await run_in_threadpool(
            files.upload_file, session, item_id=item_id, stream=upload.file,
            filename=upload.filename, directory=files.content_directory(settings),
            max_bytes=limit, actor=actor, now=now,
        )  # fmt: skip
    finally:
        await form.close()
    return await run_in_threadpool(_read, session, item_id, now)


def limited(request: Request, max_bytes: int) -> Request:
    """The request, whose body reading fails with 413 once it passes max_bytes."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise PayloadTooLarge(f"the upload is larger than the limit of {max_bytes:,} bytes")
        return message

    return Request(request.scope, receive)


def _read(session, item_id, now) -> ContentRead:
    return views.to_read(views.read_item(session, item_id=item_id, now=now))


@router.get("/{item_id}/file")
def download(
    item_id: int, request: Request, session: SessionDep, _user: CurrentUser,
    version: int | None = None,
):  # fmt: skip
    """The item's file (or an earlier version's) as an attachment, never sniffed."""
    directory = files.content_directory(request.app.state.settings)
    found = files.file_for_download(session, item_id=item_id, directory=directory,
                                    version=version)  # fmt: skip
    return FileResponse(found.path, media_type=found.mime, headers=download_headers(found.name))


@router.post("/{item_id}/usage", status_code=201, response_model=UsageRead)
def record_usage(
    item_id: int, data: UsageCreate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Record that the item was used or sent with a lead (and its opportunity)."""
    return feedback.record_usage(session, item_id=item_id, data=data, actor=actor, now=now)


@router.put("/{item_id}/rating", response_model=RatingRead)
def rate(item_id: int, data: RatingCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Your 1-5 stars for the item (rating again replaces your earlier rating)."""
    return feedback.rate_item(session, item_id=item_id, data=data, actor=actor, now=now)


@router.get("/{item_id}/influence", response_model=InfluenceRead)
def influence(item_id: int, session: SessionDep, _user: CurrentUser):
    """Uses, leads and opportunities touched; win rate with and without the item."""
    found = reports.item_influence(session, item_id=item_id)
    inf = found.influence
    return InfluenceRead(
        item_id=item_id, uses=found.uses, leads=found.leads, opportunities=found.opportunities,
        closed_with_item=inf.with_item, won_with_item=inf.with_item_won,
        win_rate_with_item=inf.win_rate_with, closed_without_item=inf.without_item,
        won_without_item=inf.without_item_won, win_rate_without_item=inf.win_rate_without,
        p_value=inf.p_value, population=found.population,
    )  # fmt: skip
