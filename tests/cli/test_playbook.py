"""`baton playbook` against a real, committed database, acting as named users."""

from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import AuditEntry, PlaybookVersion
from baton.playbooks import default_playbook_text
from baton.services.auth import add_user
from tests.builders import T0

runner = CliRunner()
DEFAULT = default_playbook_text()
STRICTER = DEFAULT.replace("fit_min: 30", "fit_min: 35")
BAD = DEFAULT.replace("{id: webinar, event: webinar_attended, points: 15}",
                      "{id: webinar, event: webinar_attended, points: lots}")  # fmt: skip


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def users() -> None:
    with transaction(get_engine()) as s:
        for role in ("marketing", "sales_manager", "sales_rep", "admin"):
            add_user(s, email=f"{role}@baton.test", name=role, role=role, now=T0)


def versions() -> list[tuple[int, str]]:
    with transaction(get_engine()) as s:
        rows = s.execute(select(PlaybookVersion.version, PlaybookVersion.status))
        return sorted(rows.all())


def test_validate_prints_each_error_with_path_and_line(cli_env, tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(DEFAULT)
    bad.write_text(BAD)
    ok = invoke("playbook", "validate", str(good))
    assert ok.exit_code == 0 and "valid" in ok.output
    line = next(i for i, text in enumerate(BAD.splitlines(), 1) if "points: lots" in text)
    refused = invoke("playbook", "validate", str(bad))
    assert refused.exit_code == 1
    assert f"engagement.rules[5].points: must be a number (line {line})" in refused.output
    missing = invoke("playbook", "validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_the_co_signed_flow_from_proposal_to_activation(cli_env, tmp_path):
    users()
    file = tmp_path / "v2.yaml"
    file.write_text(STRICTER)
    shown = invoke("playbook", "show")
    assert shown.exit_code == 0 and "version 1: active" in shown.output
    proposed = invoke(
        "playbook", "propose", str(file), "--note", "tighter", "--as", "marketing@baton.test"
    )
    assert proposed.exit_code == 0, proposed.output
    assert "version 2 proposed" in proposed.output
    diff = invoke("playbook", "diff", "1", "2")
    assert "mql.fit_min: 30 → 35" in diff.output
    signed = invoke("playbook", "approve", "2", "--as", "marketing@baton.test")
    assert signed.exit_code == 0 and "still to sign: sales_manager" in signed.output
    early = invoke("playbook", "activate", "2", "--as", "admin@baton.test")
    assert early.exit_code == 1 and "sales_manager" in early.output
    assert invoke("playbook", "approve", "2", "--as", "sales_manager@baton.test").exit_code == 0
    activated = invoke("playbook", "activate", "2", "--as", "sales_manager@baton.test")
    assert activated.exit_code == 0, activated.output
    assert versions() == [(1, "retired"), (2, "active")]
    listed = invoke("playbook", "list")
    assert "retired" in listed.output and "marketing@baton.test (marketing)" in listed.output
    with transaction(get_engine()) as s:
        vias = set(
            s.scalars(select(AuditEntry.via).where(AuditEntry.action != "playbook.bootstrap"))
        )
    assert vias == {"cli"}


def test_a_user_without_the_role_is_refused_and_nothing_changes(cli_env, tmp_path):
    users()
    file = tmp_path / "v2.yaml"
    file.write_text(STRICTER)
    rep = invoke("playbook", "propose", str(file), "--as", "sales_rep@baton.test")
    assert rep.exit_code == 1 and "needs the role" in rep.output
    nobody = invoke("playbook", "propose", str(file), "--as", "ghost@baton.test")
    assert nobody.exit_code == 1 and "no user" in nobody.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    refused = invoke("playbook", "propose", str(bad), "--as", "marketing@baton.test")
    assert refused.exit_code == 1 and "engagement.rules[5].points" in refused.output
    assert invoke("playbook", "propose", str(file), "--as", "admin@baton.test").exit_code == 0
    signed = invoke("playbook", "approve", "2", "--as", "sales_rep@baton.test")
    assert signed.exit_code == 1 and "needs the role" in signed.output
    assert versions() == [(1, "active"), (2, "proposed")]
    withdrawn = invoke("playbook", "withdraw", "2", "--as", "marketing@baton.test")
    assert withdrawn.exit_code == 0 and versions() == [(1, "active"), (2, "withdrawn")]


def test_preview_prints_the_impact_tables(cli_env, tmp_path):
    users()
    file = tmp_path / "v2.yaml"
    file.write_text(STRICTER)
    invoke("playbook", "propose", str(file), "--as", "marketing@baton.test")
    result = invoke("playbook", "preview", "2")
    assert result.exit_code == 0, result.output
    assert "version 2 beside version 1: 0 leads" in result.output
    assert "backtest: 0 leads with a known outcome" in result.output
    assert "n/a" in result.output
    assert invoke("playbook", "preview", "7").exit_code == 1
