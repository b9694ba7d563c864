"""Markdown is rendered, and nothing that can run script survives it."""

from html.parser import HTMLParser

import pytest

from baton.rules.content.render import render_markdown

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<div onmouseover="alert(1)">hover</div>',
    "<body onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](<javascript:alert(1)>)",
    "<details open ontoggle=alert(1)>",
    "`<script>` in code is text",
    "<<script>script>alert(1)<</script>/script>",
    "[a]: javascript:alert(1)\n\n[link][a]",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
]
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class Elements(HTMLParser):
    """Every element and attribute of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", XSS)
def test_no_script_survives(payload):
    html = render_markdown(payload)
    for tag, attrs in elements(html):
        assert tag not in ("script", "iframe", "object", "style", "svg", "img", "form", "math")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith(SAFE_SCHEMES), href


def test_markdown_becomes_html():
    html = render_markdown(
        "# Pricing\n\n**Lead** with [fees](https://example.com/fees).\n\n- a\n- b"
    )
    assert "<h1>Pricing</h1>" in html
    assert "<strong>Lead</strong>" in html
    assert '<a href="https://example.com/fees" rel="noopener noreferrer nofollow">fees</a>' in html
    assert "<li>a</li>" in html


def test_tables_keep_alignment_but_no_other_style():
    html = render_markdown("| a | b |\n|:-|-:|\n| 1 | 2 |")
    assert '<th style="text-align:left">a</th>' in html


def test_no_body_renders_nothing():
    assert render_markdown(None) == ""
    assert render_markdown("") == ""
