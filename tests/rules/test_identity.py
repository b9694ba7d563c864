"""Identity rules: e-mail normalisation, domains, free mail, country codes."""

import pytest

from baton.rules.identity import (
    FREE_MAIL_DOMAINS,
    email_domain,
    is_free_mail,
    normalise_country,
    normalise_email,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ann@acme.io", "ann@acme.io"),
        ("  Ann.Smith@ACME.io ", "ann.smith@acme.io"),
        ("o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"),
        ("a@b-c.de", "a@b-c.de"),
        ("x@xn--bcher-kva.de", "x@xn--bcher-kva.de"),
    ],
)
def test_a_valid_email_is_trimmed_and_lower_cased(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ann",
        "ann@",
        "@acme.io",
        "ann@acme",
        "ann@@acme.io",
        "ann smith@acme.io",
        "ann@acme..io",
        "ann..smith@acme.io",
        ".ann@acme.io",
        "ann@-acme.io",
        "ann@acme.i",
        "a" * 65 + "@acme.io",
        "ann@" + "a" * 250 + ".io",
    ],
)
def test_an_invalid_email_is_none(raw):
    assert normalise_email(raw) is None


def test_the_domain_is_the_part_after_the_last_at():
    assert email_domain("ann@sales.acme.io") == "sales.acme.io"


@pytest.mark.parametrize(
    ("domain", "free"),
    [("gmail.com", True), ("gmx.de", True), ("proton.me", True), ("acme.io", False)],
)
def test_free_mail_domains_are_recognised(domain, free):
    assert is_free_mail(domain) is free


def test_extra_free_mail_domains_count_too():
    assert is_free_mail("corp-mail.example", frozenset({"corp-mail.example"}))
    assert "corp-mail.example" not in FREE_MAIL_DOMAINS


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        (" us ", "US"),
        ("UK", "GB"),
        ("GBR", "GB"),
        ("deu", "DE"),
        ("Germany", "DE"),
        ("germany", "DE"),
        ("United States", "US"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("England", "GB"),
        ("South Korea", "KR"),
        ("Czech Republic", "CZ"),
    ],
)
def test_codes_and_names_become_iso_alpha_2(raw, code):
    assert normalise_country(raw) == code


@pytest.mark.parametrize("raw", ["", "  ", "XX", "Atlantis", "ZZZ", "Narnia"])
def test_an_unknown_country_is_none(raw):
    assert normalise_country(raw) is None
