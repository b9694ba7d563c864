"""The playbook's `reasons` section: codes, labels and outcomes, checked with path and line."""

import pytest

from baton.playbooks import default_playbook_text
from baton.rules.playbook import PlaybookError, diff_playbooks, parse_playbook
from tests.rules.test_playbook import SMALL

# SMALL is 17 lines: a `reasons` section appended starts on line 18, its first item on 19.

DEFAULT = {
    "bad_contact_data": "disqualified",
    "not_icp": "disqualified",
    "no_budget": "recycled",
    "timing": "recycled",
    "duplicate": "disqualified",
    "competitor": "disqualified",
    "student_or_job_seeker": "disqualified",
    "existing_customer": "disqualified",
}


def errors_of(text: str) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(text)
    return [str(e) for e in caught.value.errors]


def test_the_default_playbook_lists_the_eight_reasons_with_their_outcome():
    playbook = parse_playbook(default_playbook_text())
    assert {r.code: r.stage for r in playbook.reasons} == DEFAULT
    assert playbook.reason("timing").label == "No need now (timing)"
    assert playbook.reason("nope") is None


def test_a_playbook_without_reasons_has_none():
    assert parse_playbook(SMALL).reasons == []


def test_a_duplicate_code_is_refused_with_its_path_and_line():
    text = SMALL + (
        "reasons:\n"
        "  - {code: timing, label: Timing, then: recycle}\n"
        "  - {code: timing, label: Later, then: disqualify}\n"
    )
    assert errors_of(text) == [
        "reasons[1].code: duplicate reason code 'timing' (first at reasons[0]) (line 20)"
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "{code: timing, label: Timing, then: drop}",
            "reasons[0].then: must be 'recycle' or 'disqualify' (line 19)",
        ),
        (
            "{code: No Budget, label: x, then: recycle}",
            "reasons[0].code: must be a code: a lowercase letter",
        ),
        ("{code: timing, then: recycle}", "reasons[0].label: is required (line 19)"),
        ("{code: timing, label: x, then: recycle, next: 1}", "reasons[0].next: unknown key"),
    ],
)
def test_a_bad_reason_is_refused_naming_its_path(item, message):
    [error] = errors_of(SMALL + f"reasons:\n  - {item}\n")
    assert error.startswith(message)


def test_diffs_match_reasons_by_code():
    old = parse_playbook(
        SMALL + "reasons:\n  - {code: a, label: A, then: recycle}\n"
        "  - {code: b, label: B, then: recycle}\n"
    )
    new = parse_playbook(SMALL + "reasons:\n  - {code: b, label: B, then: disqualify}\n")
    assert diff_playbooks(old, new) == [
        'reasons[a]: removed {"code": "a", "label": "A", "then": "recycle"}',
        "reasons[b].then: recycle → disqualify",
    ]
