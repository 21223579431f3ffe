"""Numbers and dates the Vietnamese way, for every report format: 1.234 · 63,2% · 31/10/2025.
One helper, so the DOCX, the pages and the mail never disagree on a separator."""

import datetime


def vn_number(value, digits: int = 0) -> str:
    """1234 → "1.234"; 12.5 with ``digits=1`` → "12,5"; None → "–"."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(part, whole, digits: int = 1) -> str:
    """12 of 19 → "63,2%"; nothing to divide by → "–"."""
    if not whole:
        return "–"
    return vn_number(100 * part / whole, digits) + "%"


def vn_rate(rate: float | None, digits: int = 1) -> str:
    return "–" if rate is None else vn_number(100 * rate, digits) + "%"


def vn_date(day: datetime.date | datetime.datetime | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "–"
