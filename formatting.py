"""The ONE Dutch number formatter for everything a person reads (fiches, atlas, lists, reports, docks).

``fmt_num(1234.5)`` -> '1 234,5' (thin space for thousands, comma for decimals, trailing ',0' dropped);
``fmt_mw(80)`` -> '80 MW'; ``fmt_eur(80_000_000)`` -> '€ 80 mln'; ``fmt_eur(1_500_000_000)`` -> '€ 1,5 mld';
``fmt_date('2026-03-01')`` -> '1 maart 2026'.  Empty/NaN/None -> ''.  Pure Python, no imports at start-up.
"""

import datetime as _dt
import math

THIN = "\u2009"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def _number(v):
    """float or None (None, NaN, '' and text that is no number -> None)."""
    if v is None:
        return None
    if isinstance(v, str):
        t = v.strip().replace(" ", "").replace(THIN, "")
        if not t:
            return None
        if "," in t:
            t = t.replace(".", "").replace(",", ".")
        try:
            v = float(t)
        except ValueError:
            return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def fmt_num(v, decimals=1, trim=False, empty=""):
    """Dutch number: '1 234,5'; integers without ',0'; ``empty`` ('') for empty.

    ``trim``: also drop trailing zeros of the decimals (``fmt_num(1.5, 2, trim=True)`` -> '1,5', not '1,50')."""
    f = _number(v)
    if f is None:
        return empty
    s = "{:,.{d}f}".format(_half_up(f, decimals), d=decimals)
    s = s.replace(",", THIN).replace(".", ",")
    if decimals and s.endswith("," + "0" * decimals):
        s = s[: -(decimals + 1)]
    elif decimals and trim:
        s = s.rstrip("0")
    if s in ("-0", "−0"):
        s = "0"
    return s


def fmt_amount(v, unit, decimals=0, empty=""):
    """A measured amount with its unit, through :func:`fmt_num`: '12 m', '0,35 ha', '1 234 m²'.  A value that is not
    zero never reads 0: below what ``decimals`` show it is 'minder dan 1 m' ('minder dan 0,01 ha' with 2 decimals),
    so a point 0.3 m over a border does not 'lie 0 m outside' it.  ``empty`` for an empty value."""
    f = _number(v)
    if f is None:
        return empty
    s = fmt_num(f, decimals)
    if f != 0 and s.lstrip("-−") == "0":
        return "minder dan {} {}".format(fmt_num(10.0 ** -decimals, decimals), unit)
    return "{} {}".format(s, unit)


def _half_up(f, decimals):
    """``f`` rounded as a person rounds the number they see: half away from zero, on its shortest decimal form
    (1.25 -> 1.3 and 2.675 -> 2.68, where float formatting gives 1.2 and 2.67).  Used by :func:`fmt_num`, so a
    value reads the same wherever it is printed."""
    if not math.isfinite(f):
        return f
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        return Decimal(repr(f)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds (|f| near 1e28 and beyond)
        return f


def round_number(v, decimals=1):
    """``v`` as the number :func:`fmt_num` shows (half up on its decimal form), for a cell that stays a number (a
    list's XLSX/CSV): the list then says what the fiche says.  None for empty."""
    f = _number(v)
    if f is None:
        return None
    return float(_half_up(f, decimals))


def fmt_mw(v, decimals=1):
    s = fmt_num(v, decimals)
    return s + " MW" if s else ""


def fmt_eur(v):
    """Amounts: '€ 80 mln', '€ 1,5 mld', below a million '€ 250 000'."""
    f = _number(v)
    if f is None:
        return ""
    if abs(f) >= 1e9:
        return "€ {} mld".format(fmt_num(f / 1e9, 1))
    if abs(f) >= 1e6:
        return "€ {} mln".format(fmt_num(f / 1e6, 1))
    return "€ {}".format(fmt_num(f, 0))


def fmt_pct(v, decimals=0):
    s = fmt_num(v, decimals)
    return s + " %" if s else ""


def fmt_date(text):
    """'2026-03-01' -> '1 maart 2026'; other text unchanged; '' for empty."""
    if not text:
        return ""
    try:
        d = _dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    return "{} {} {}".format(d.day, MONTHS[d.month - 1], d.year)


def fmt_value(field, v):
    """A stored value for a report cell: amounts (``*_eur``) as '€ … mln', MW fields as '… MW', else as is."""
    name = str(field or "").lower()
    if _number(v) is not None and not isinstance(v, bool):
        if name.endswith("_eur") or "investering" in name or name.endswith("(eur)"):
            return fmt_eur(v)
        if name.endswith("_mw") or name.endswith(" mw") or "(mw)" in name:
            return fmt_mw(v)
    return v


def station_label(name, voltage_kv):
    """'Lage Weide (150 kV)'; a name that already says the voltage ('150kV Wageningselaan') keeps it once.  How a
    station is named to a person, in every panel and output."""
    import re

    name = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name).strip()
    kv = fmt_num(voltage_kv, 0) if voltage_kv else ""
    if not kv or re.search(r"(?<!\d){}\s*kv".format(re.escape(kv)), name, re.I):
        return name
    return " ".join(x for x in (name, "({} kV)".format(kv)) if x)


def fmt_share(share_mw, share_pct):
    """What a link carries, as every panel and output writes it: '9,1 MW', '75,5 %', or '100 %' (a link without a
    share carries all of the development).  The projects panel wrote 75,5 % as '76 %' beside the fiche's '75,5 %'."""
    if _number(share_mw) is not None:
        return fmt_mw(share_mw)
    if _number(share_pct) is not None:
        return fmt_num(share_pct, 1, trim=True) + " %"
    return "100 %"
