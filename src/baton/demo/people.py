"""The people who become leads: personas, names (Faker, seeded), companies with size and industry.

Personas follow the default playbook's (economic buyer, technical buyer, end user, student or
job seeker) plus people whose title matches none; their share shapes the fit scores.
"""

import random
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

LOCALES = {
    "US": "en_US", "CA": "en_CA", "BR": "pt_BR", "MX": "es_MX", "DE": "de_DE", "GB": "en_GB",
    "FR": "fr_FR", "NL": "nl_NL", "ES": "es_ES", "IT": "it_IT", "SE": "sv_SE", "CH": "de_CH",
    "AT": "de_AT", "BE": "nl_BE", "DK": "da_DK", "IE": "en_IE", "SG": "en_US", "AU": "en_AU",
    "JP": "ja_JP", "IN": "en_IN", "NZ": "en_NZ",
}  # fmt: skip
TLDS = {"US": "com", "CA": "ca", "BR": "com.br", "GB": "co.uk", "AU": "com.au", "JP": "co.jp",
        "IN": "in", "NZ": "co.nz", "SG": "com.sg", "MX": "com.mx"}  # fmt: skip
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com")
INDUSTRIES = (
    ("software", 24), ("financial services", 16), ("retail", 12), ("manufacturing", 12),
    ("healthcare", 9), ("logistics", 8), ("media", 6), ("education", 5), ("public sector", 4),
    ("energy", 4),
)  # fmt: skip
STACKS = ("snowflake", "bigquery", "databricks", "redshift", "postgres", "excel", "sap", "oracle")
# (min, max) employees and the share of companies of that size.
SIZES = ((2, 9, 12), (10, 49, 20), (50, 199, 25), (200, 999, 24), (1000, 20000, 19))
# persona -> share, [(title, seniority, department)]
PERSONAS: dict[str, tuple[float, list[tuple[str, str, str]]]] = {
    "economic buyer": (14, [
        ("CFO", "c_level", "finance"), ("CEO", "c_level", "management"),
        ("Founder", "c_level", "management"), ("VP Finance", "vp", "finance"),
        ("Managing Director", "c_level", "management"), ("Finance Director", "director", "finance"),
    ]),
    "technical buyer": (17, [
        ("CTO", "c_level", "engineering"), ("CIO", "c_level", "it"),
        ("VP Engineering", "vp", "engineering"), ("Head of IT", "director", "it"),
        ("Head of Data", "director", "data"),
        ("Director of Engineering", "director", "engineering"),
    ]),
    "end user": (40, [
        ("Data Analyst", "individual", "data"), ("Software Engineer", "individual", "engineering"),
        ("Financial Controller", "manager", "finance"), ("Accountant", "individual", "finance"),
        ("Data Scientist", "individual", "data"), ("Product Manager", "manager", "product"),
        ("BI Developer", "individual", "data"), ("Payments Manager", "manager", "finance"),
    ]),
    "student or job seeker": (8, [
        ("Student", "entry", "education"), ("Intern", "entry", "marketing"),
        ("Graduate Trainee", "entry", "finance"), ("Job seeker", "entry", "other"),
    ]),
    "other": (21, [
        ("Office Assistant", "individual", "administration"),
        ("Sales Representative", "individual", "sales"),
        ("HR Generalist", "individual", "hr"), ("Recruiter", "individual", "hr"),
        ("Executive Assistant", "individual", "administration"),
    ]),
}  # fmt: skip


@dataclass(frozen=True)
class Firm:
    """A company leads come from."""

    name: str
    domain: str
    country: str
    employees: int
    industry: str
    tech_stack: str | None  # what their data team runs, when the enrichment knows it


@dataclass(frozen=True)
class Person:
    """A would-be lead."""

    first_name: str
    last_name: str
    email: str
    phone: str | None
    title: str
    seniority: str
    department: str
    persona: str
    firm: Firm
    free_mail: bool


def ascii_slug(text: str, sep: str = "") -> str:
    """Lowercase ASCII letters and digits of a name (accents dropped), for e-mail and domains."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, flat).strip(sep)


class People:
    """Draws companies and people from one seeded random source and seeded Faker instances."""

    def __init__(self, rng: random.Random, countries: dict[str, float]) -> None:
        self.rng = rng
        self.countries = list(countries)
        self.country_weights = list(countries.values())
        self.fakers: dict[str, Faker] = {}
        self.firms: dict[str, list[Firm]] = {c: [] for c in self.countries}
        self.domains: set[str] = set()
        self.emails: set[str] = set()
        names = list(PERSONAS)
        self.persona_names, self.persona_weights = names, [PERSONAS[n][0] for n in names]

    def faker(self, country: str) -> Faker:
        locale = LOCALES[country]
        if locale not in self.fakers:
            fake = Faker(locale)
            fake.seed_instance(self.rng.randrange(2**32))
            self.fakers[locale] = fake
        return self.fakers[locale]

    def firm(self, country: str) -> Firm:
        """A company of this country: often one seen before (accounts get several leads)."""
        known = self.firms[country]
        if known and self.rng.random() < 0.55:
            # Bigger companies send more people: a quadratic bias to the first ones.
            return known[int(len(known) * self.rng.random() ** 2)]
        fake = self.faker(country)
        name = fake.company()
        base = ascii_slug(name.split(",")[0], "-")[:40].strip("-") or "company"
        tld = TLDS.get(country, country.lower())
        domain, n = f"{base}.{tld}", 1
        while domain in self.domains:
            n += 1
            domain = f"{base}{n}.{tld}"
        self.domains.add(domain)
        low, high, _ = self.rng.choices(SIZES, weights=[s[2] for s in SIZES])[0]
        employees = int(low * (high / low) ** self.rng.random())
        industry = self.rng.choices([i[0] for i in INDUSTRIES], weights=[i[1] for i in INDUSTRIES])
        stack = None
        if self.rng.random() < 0.35:
            stack = ", ".join(self.rng.sample(STACKS, self.rng.randint(1, 3)))
        firm = Firm(name, domain, country, employees, industry[0], stack)
        known.append(firm)
        return firm

    def person(self) -> Person:
        """A person with a persona, a title that signals it, and a unique e-mail."""
        rng = self.rng
        country = rng.choices(self.countries, weights=self.country_weights)[0]
        firm = self.firm(country)
        persona = rng.choices(self.persona_names, weights=self.persona_weights)[0]
        title, seniority, department = rng.choice(PERSONAS[persona][1])
        fake = self.faker(country)
        if country == "JP":
            first, last = fake.first_romanized_name(), fake.last_romanized_name()
        else:
            first, last = fake.first_name(), fake.last_name()
        free = rng.random() < (0.45 if persona == "student or job seeker" else 0.1)
        domain = rng.choice(FREE_MAIL) if free else firm.domain
        local = f"{ascii_slug(first)}.{ascii_slug(last)}".strip(".") or "someone"
        address, n = f"{local}@{domain}", 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.emails.add(address)
        phone = fake.phone_number() if rng.random() < 0.6 else None
        return Person(
            first, last, address, phone, title, seniority, department, persona, firm, free
        )
