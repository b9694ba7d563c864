"""Search input made safe, and snippets: the same words mean the same on both databases.

User text is never passed to FTS5 or to_tsquery as syntax: it is cut into words (letters
and digits), each becomes a quoted prefix term, and all must match. Punctuation such as
`"`, `(`, `*`, `:`, `-`, `AND` or `NEAR(` can therefore never be a syntax error.
"""

import re
from html import escape

MAX_TERMS = 12
# Letters and digits, as both tokenizers see words (underscore and punctuation separate).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MARK_START, MARK_END = "\x02", "\x03"  # around matched words in a snippet


def query_terms(query: str) -> list[str]:
    """The words of a user's query, lower-cased, without duplicates, at most MAX_TERMS."""
    seen: list[str] = []
    # lower(), not casefold(): the tokenizers keep "ß" as it is, casefold makes it "ss".
    for word in _WORD.findall(query.lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term as a quoted prefix, all required."""
    return " ".join('"' + t.replace('"', '""') + '"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    """A to_tsquery expression: every term as a quoted prefix lexeme, all required."""
    return " & ".join("'" + t.replace("'", "''").replace("\\", "") + "':*" for t in terms)


def snippet(text: str | None, terms: list[str], *, words: int = 24) -> str:
    """A window of about `words` words around the first match, matches between markers.

    Markdown punctuation is dropped first so the snippet reads as plain text.
    """
    plain = strip_marks(text or "")  # a body holding our markers must not fake a match
    plain = re.sub(r"(?m)^\s*>+", " ", plain)  # block quotes
    plain = re.sub(r"[#*_`\[\]|]+", " ", plain)
    # Drop list bullets and table rules ("-", ":-:"), which read as noise out of place.
    tokens = [tok for tok in plain.split() if not re.fullmatch(r"[-:=+]+", tok)]
    if not tokens:
        return ""

    def hit(token: str) -> bool:
        folded = token.lower()
        return any(w.startswith(t) for w in _WORD.findall(folded) for t in terms)

    first = next((i for i, tok in enumerate(tokens) if hit(tok)), 0)
    start = max(0, first - words // 3)
    window = tokens[start : start + words]
    out = [f"{MARK_START}{tok}{MARK_END}" if hit(tok) else tok for tok in window]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return prefix + " ".join(out) + suffix


def strip_marks(text: str) -> str:
    """A snippet without its markers."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def snippet_html(text: str) -> str:
    """A snippet as HTML: everything escaped, the matches in <mark>."""
    return escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
