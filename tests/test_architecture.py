"""The import rule that keeps the core pure, checked on the source with `ast`."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "baton"
FORBIDDEN_MODULES = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "baton.db",
    "baton.models",
    "baton.services",
    "baton.api",
    "baton.web",
    "baton.cli",
)
# Reading the clock or the environment inside rules/ would hide an input from the caller.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("os", "getenv"),
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _forbidden(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in FORBIDDEN_MODULES)


def impurities(source: str) -> list[str]:
    """What in this module's source breaks the purity rule of rules/."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(_forbidden(name) for name in names):
                found.append(f"from {node.module} import ...")
            if node.module == "os" and any(a.name in ("environ", "getenv") for a in node.names):
                found.append("from os import environ/getenv")
        elif isinstance(node, ast.Attribute) and _dotted(node) == "os.environ":
            found.append("os.environ")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = _dotted(node.func.value).rsplit(".", 1)[-1]
            if (owner, node.func.attr) in FORBIDDEN_CALLS:
                found.append(f"{_dotted(node.func)}()")
    return found


def commits(source: str) -> list[int]:
    """Lines that call `.commit(`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("rules"), ids=lambda p: p.name)
def test_rules_import_no_adapter_and_read_no_clock_or_environment(path):
    assert impurities(path.read_text()) == []


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_services_never_commit(path):
    assert commits(path.read_text()) == [], "services flush; only the edges commit"


def test_the_rules_package_is_not_empty():
    assert len(_modules("rules")) > 2


@pytest.mark.parametrize(
    "source",
    [
        "import sqlalchemy",
        "from sqlalchemy.orm import Session",
        "import fastapi.responses",
        "from starlette.requests import Request",
        "from baton.models import Lead",
        "import baton.services.leads",
        "from baton.db import get_engine",
        "from baton import db",
        "from baton import models, rules",
        "import os\nx = os.environ['X']",
        "import os\nx = os.environ.get('X')",
        "from os import environ",
        "import os\nos.getenv('X')",
        "from datetime import datetime\ndatetime.now()",
        "import datetime\ndatetime.datetime.now(datetime.UTC)",
        "from datetime import date\ndate.today()",
        "import time\ntime.time()",
    ],
)
def test_the_checker_catches_each_kind_of_impurity(source):
    assert impurities(source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, timedelta\nx = datetime(2026, 1, 1) + timedelta(1)",
        "from baton.rules.identity import normalise_email",
        "import numpy",
        "def f(now): return now.date()",
    ],
)
def test_the_checker_accepts_pure_code(source):
    assert impurities(source) == []


def test_the_commit_checker_finds_a_commit():
    assert commits("def f(session):\n    session.flush()\n    session.commit()\n") == [3]
