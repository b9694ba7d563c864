"""Small files in the two public data sets' formats, generated here (never copied)."""

BANK_HEADER = (
    '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";'
    '"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";'
    '"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"'
)
SHOPPERS_HEADER = (
    "Administrative,Administrative_Duration,Informational,Informational_Duration,"
    "ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,"
    "Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue"
)
JOBS = ("admin.", "technician", "services", "retired")


def bank_row(i: int, month: str, y: str, *, age: str | None = None) -> str:
    """One contact; `i` varies the values deterministically."""
    pdays = "999" if i % 3 else str(i % 20)
    return (
        f'{age if age is not None else 25 + i % 40};"{JOBS[i % 4]}";"married";"high.school";"no";'
        f'"yes";"no";"cellular";"{month}";"mon";{100 + i};{1 + i % 3};{pdays};{i % 2};'
        f'"nonexistent";1.1;93.994;-36.4;4.857;5191;"{y}"'
    )


def bank_lines(months: list[str], outcomes: list[str]) -> list[str]:
    """A bank file: header and one row per (month, outcome)."""
    rows = [bank_row(i, m, y) for i, (m, y) in enumerate(zip(months, outcomes, strict=True))]
    return [BANK_HEADER + "\n", *(r + "\n" for r in rows)]


def shoppers_row(month: str, revenue: str, *, pages: str = "2,30.5,0,0") -> str:
    return f"{pages},12,640.25,0.01,0.03,18.7,0,{month},2,2,1,3,Returning_Visitor,FALSE,{revenue}"


def shoppers_lines(rows: list[str]) -> list[str]:
    return [SHOPPERS_HEADER + "\n", *(r + "\n" for r in rows)]
