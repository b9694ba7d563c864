"""Markdown to safe HTML: CommonMark with raw HTML off, then an nh3 allow-list.

Two locks: markdown-it escapes any HTML in the source and refuses unsafe link schemes; nh3
then removes whatever is not on the allow-list (tags, attributes, URL schemes), so even a
bug in one of them lets no script, event handler or `javascript:` link through.
"""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str | None) -> str:
    """Sanitised HTML for a Markdown body ('' for none)."""
    if not source:
        return ""
    html = _md.render(source)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
