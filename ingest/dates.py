"""The one date parser of every import and typed date: peildatum, session date, rating date, round date.

``parse_date`` gives ISO 'JJJJ-MM-DD' or raises ValueError (also for an impossible date such as 31-02-2026);
``date_problem`` is its Dutch message; ``date_key`` orders stored text that may predate this parser (an old
werkbank may hold '15-01-2026'), so "the latest" is the latest date, not the largest text.

Pure Python; no QGIS.
"""

import datetime as _dt

# the date spellings accepted (parse_date), as shown in help
DATE_FORMATS = (("%Y-%m-%d", "JJJJ-MM-DD"), ("%d-%m-%Y", "DD-MM-JJJJ"), ("%d/%m/%Y", "DD/MM/JJJJ"),
                ("%Y/%m/%d", "JJJJ/MM/DD"), ("%d.%m.%Y", "DD.MM.JJJJ"), ("%Y-%m-%dT%H:%M:%S", "JJJJ-MM-DDTuu:mm:ss"),
                ("%Y-%m-%d %H:%M:%S", "JJJJ-MM-DD uu:mm:ss"))


def parse_date(value):
    """A date (date/datetime/Timestamp or text in one of :data:`DATE_FORMATS`) as 'JJJJ-MM-DD'; ValueError
    otherwise, also for a date that does not exist (31-02-2026)."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if "T" in text or ":" in text:
        text = text[:19]
    for fmt, _shown in DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    raise ValueError(text)


# a year with a quarter or a word of a planning ('Q3 2029', '2029-Q3', '3e kwartaal 2029', 'medio 2029', 'IBN 2032')
_WORDS = r"(?:ibn|in\s*bedrijf|gereed|q\s*[1-4]|kw\s*[1-4]|[1-4]\s*e?\s*kwartaal|kwartaal\s*[1-4]|begin|medio|eind|voorjaar|najaar|zomer)"
_YEAR_WITH_WORDS = (r"^(?:{w}\s*)+[-/ ]?\s*((?:19|20)\d\d)$".format(w=_WORDS),
                    r"^((?:19|20)\d\d)\s*[-/ ]?\s*(?:q\s*[1-4]|kw\s*[1-4])$")


def year_of_date(value):
    """The year of a date given where a year is asked (an IBN year, a jaar gereed): a date/datetime cell (Excel),
    text that :func:`parse_date` reads ('1-7-2027'), or one year with a quarter or planning word ('Q3 2029',
    '2029-Q3', '3e kwartaal 2029', 'medio 2029', 'IBN 2032'); None for anything else (a plain number is the
    caller's; two years such as '2030/2035' are no year)."""
    import re

    if hasattr(value, "strftime"):
        return value.year
    if isinstance(value, str):
        text = " ".join(value.strip().lower().split())
        for pattern in _YEAR_WITH_WORDS:
            m = re.match(pattern, text)
            if m:
                return int(m.group(1))
    if isinstance(value, str) and any(c in value for c in "-/."):
        try:
            return int(parse_date(value)[:4])
        except ValueError:
            return None
    return None


def date_problem(value):
    """The Dutch message for a value :func:`parse_date` refuses."""
    return "'{}' is geen (bestaande) datum; schrijf JJJJ-MM-DD (bijv. 2026-01-15) of DD-MM-JJJJ".format(
        str(value).strip())


def date_key(value):
    """Sort key of a stored date: the ISO date when it parses, else '' (before every real date)."""
    if value is None or value != value:
        return ""
    try:
        return parse_date(value)
    except ValueError:
        return ""
