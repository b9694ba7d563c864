"""Pages of the sales-tools library: the library (search and tag filters), an item, its
editing and its file. Feedback pages and the lead panel live in web/content_feedback.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse
from markupsafe import Markup
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import PayloadTooLarge, ValidationFailed
from baton.models import User
from baton.rules.content.files import TYPES, download_headers
from baton.rules.content.search_text import snippet_html
from baton.rules.content.vocabulary import FACETS, KINDS, STATUSES
from baton.schemas.content import ContentCreate, ContentUpdate
from baton.schemas.programs import validated
from baton.services.content import files, items, reports, search, views
from baton.web import content_feedback
from baton.web.deps import PageKey, WebActor, WebUser, require_web_role, submitted_form
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
# Feedback pages first: their fixed paths (/content/objections...) must win over /content/{id}.
router.include_router(content_feedback.router)
Editor = Annotated[User, Depends(require_web_role("admin", "marketing"))]
FormStr = Annotated[str, Form()]
add_nav("Content", "/content", order=60)
FILTER_FACETS = ("product", "persona", "stage", "competitor", "industry")
# Multipart framing around the file (see api/content.py).
MULTIPART_SLACK = 64 * 1024


def _filters(request: Request) -> dict[str, list[str]]:
    params = request.query_params
    return {f: [v] for f in FILTER_FACETS if (v := params.get(f, "").strip())}


@router.get("/content")
def library(
    request: Request, session: SessionDep, user: WebUser, now: NowDep,
    q: str = "", kind: str = "", stale: str = "",
) -> Response:  # fmt: skip
    """The library: full-text search, tag filters, newest first."""
    tags = _filters(request)
    kind_ = kind if kind in KINDS else None
    if q.strip():
        hits = search.search_content(session, query=q[:500], now=now, tags=tags, kind=kind_,
                                     limit=100)  # fmt: skip
        rows = [(h.view, Markup(snippet_html(h.snippet))) for h in hits]  # escaped inside
    else:
        found = items.list_items(session, now=now, kind=kind_, tags=tags,
                                 stale=True if stale else None, limit=200)  # fmt: skip
        rows = [(v, None) for v in found]
    context = {
        "rows": rows, "q": q, "kind": kind_ or "", "stale": bool(stale), "kinds": KINDS,
        "chosen": {f: v[0] for f, v in tags.items()}, "choices": views.tag_values(session),
        "facets": FILTER_FACETS, "can_edit": user.role in ("admin", "marketing"),
    }  # fmt: skip
    return render(request, "content/library.html", context, title="Sales tools")


def _form_values(form: FormData | None) -> dict[str, Any]:
    """Item fields from the editing form; tags are comma-separated per facet."""
    form = form or FormData()
    tags = {f: [v for v in str(form.get(f"tag_{f}", "")).split(",") if v.strip()]
            for f in FACETS}  # fmt: skip
    values: dict[str, Any] = {key: str(form.get(key, "")).strip()
                              for key in ("kind", "title", "body", "link", "status")}  # fmt: skip
    values["body"] = str(form.get("body", ""))  # Markdown keeps its leading spaces
    values["review_on"] = str(form.get("review_on", "")).strip() or None
    values["link"] = values["link"] or None
    values["tags"] = tags
    return values


@router.get("/content/new")
def new_item(request: Request, user: Editor) -> Response:
    """The form for a new item."""
    return render(request, "content/edit.html", {"item": None, "tags": {}, "kinds": KINDS,
                  "statuses": STATUSES, "facets": FACETS}, title="New sales tool")  # fmt: skip


@router.post("/content/new")
def create(
    request: Request, session: SessionDep, user: Editor, actor: WebActor, now: NowDep,
    form: Annotated[FormData | None, Depends(submitted_form)],
) -> Response:  # fmt: skip
    """Create the item, then show it."""
    values = _form_values(form)
    data = validated(ContentCreate, {k: v for k, v in values.items() if v not in (None, "")})
    item = items.create_item(session, data=data, actor=actor, now=now)
    return redirect(request, f"/content/{item.id}", flash="Added to the library.")


@router.get("/content/{item_id}")
def item_page(
    request: Request, item_id: int, session: SessionDep, user: WebUser, now: NowDep
) -> Response:
    """One item: rendered body, file, versions, influence, ratings."""
    view = views.read_item(session, item_id=item_id, now=now)
    context = {
        "view": view, "item": view.item,
        "versions": items.list_versions(session, item_id=item_id),
        "influence": reports.item_influence(session, item_id=item_id),
        "can_edit": user.role in ("admin", "marketing"),
        "accept": ",".join(f".{ext}" for ext in TYPES),
    }  # fmt: skip
    return render(request, "content/item.html", context, title=view.item.title)


@router.get("/content/{item_id}/edit")
def edit_item(
    request: Request, item_id: int, session: SessionDep, user: Editor, now: NowDep
) -> Response:
    """The editing form, filled in."""
    view = views.read_item(session, item_id=item_id, now=now)
    return render(request, "content/edit.html", {"item": view.item, "tags": view.tags,
                  "kinds": KINDS, "statuses": STATUSES, "facets": FACETS},
                  title=f"Edit {view.item.title}")  # fmt: skip


@router.post("/content/{item_id}/edit")
def update(
    request: Request, item_id: int, session: SessionDep, user: Editor, actor: WebActor,
    now: NowDep, form: Annotated[FormData | None, Depends(submitted_form)],
) -> Response:  # fmt: skip
    """Save the changes (the previous title, body and link are kept as a version)."""
    values = _form_values(form)
    values["review_on"] = values["review_on"] or None
    data = validated(ContentUpdate, values)
    items.update_item(session, item_id=item_id, data=data, actor=actor, now=now)
    return redirect(request, f"/content/{item_id}", flash="Saved.")


def upload_size(request: Request, _key: PageKey) -> None:
    """Refuse an upload whose declared size passes the limit before its body is read.

    It takes the page key first: the error page's flash cookie is signed with it."""
    limit = request.app.state.settings.content_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(f"the file is larger than the limit of {limit:,} bytes")


@router.post("/content/{item_id}/file", dependencies=[Depends(upload_size)])
def upload(
    request: Request, item_id: int, session: SessionDep, user: Editor, actor: WebActor,
    now: NowDep, form: Annotated[FormData | None, Depends(submitted_form)],
) -> Response:  # fmt: skip
    """Attach a new file; the previous one stays downloadable from its version."""
    upload = (form or FormData()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed("choose a file to upload")
    settings = request.app.state.settings
    files.upload_file(session, item_id=item_id, stream=upload.file, filename=upload.filename,
                      directory=files.content_directory(settings),
                      max_bytes=settings.content_max_bytes, actor=actor, now=now)  # fmt: skip
    return redirect(request, f"/content/{item_id}", flash="File uploaded.")


@router.get("/content/{item_id}/file")
def download(
    request: Request, item_id: int, session: SessionDep, user: WebUser,
    version: int | None = None,
) -> Response:  # fmt: skip
    """The file as an attachment (never rendered by the browser)."""
    directory = files.content_directory(request.app.state.settings)
    found = files.file_for_download(session, item_id=item_id, directory=directory,
                                    version=version)  # fmt: skip
    return FileResponse(found.path, media_type=found.mime, headers=download_headers(found.name))
