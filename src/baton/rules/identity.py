"""Who a lead is: normalised e-mail, its domain, free-mail detection, country codes."""

import re
from functools import lru_cache

import pycountry

# Common consumer mail providers; their domains never match a company account.
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "hotmail.de",
        "outlook.com",
        "outlook.de",
        "live.com",
        "live.co.uk",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "mail.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "t-online.de",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "zoho.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "naver.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "virgilio.it",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "interia.pl",
        "tutanota.com",
        "fastmail.com",
        "hey.com",
        "sapo.pt",
    ]
)

# Deliberately simple: one @, a local part without spaces, a dotted domain of valid labels.
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def normalise_email(raw: str) -> str | None:
    """The canonical form of an e-mail address (trimmed, lower case), or None if invalid."""
    email = raw.strip().lower()
    if not _EMAIL.match(email) or ".." in email or email.startswith("."):
        return None
    return email


def email_domain(email: str) -> str:
    """The domain part of a normalised e-mail."""
    return email.rsplit("@", 1)[1]


def is_free_mail(domain: str, extra: frozenset[str] = frozenset()) -> bool:
    """True for consumer mail domains, which never identify a company."""
    return domain in FREE_MAIL_DOMAINS or domain in extra


@lru_cache(maxsize=4096)
def normalise_country(raw: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a code or a country name, or None if unknown."""
    value = raw.strip()
    if not value:
        return None
    if len(value) == 2:
        found = pycountry.countries.get(alpha_2=value.upper())
        if found is None and value.upper() == "UK":
            return "GB"
        return found.alpha_2 if found else None
    if len(value) == 3:
        found = pycountry.countries.get(alpha_3=value.upper())
        if found:
            return found.alpha_2
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        aliases = {
            "usa": "US",
            "united states of america": "US",
            "uk": "GB",
            "england": "GB",
            "great britain": "GB",
            "russia": "RU",
            "south korea": "KR",
            "czech republic": "CZ",
            "turkey": "TR",
        }
        return aliases.get(value.lower())
