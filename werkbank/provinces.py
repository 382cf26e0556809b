"""The twelve Dutch provinces with their CBS codes (CBS Gebiedsindelingen)."""

import unicodedata

PROVINCES = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}
NAMES = list(PROVINCES.values())

_ALIASES = {"friesland": "PV21", "fryslan": "PV21", "brabant": "PV30"}


def _norm(text):
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in t if ch.isalnum())


def province_code(name_or_code):
    """'Utrecht', 'utrecht', 'PV26', 'Friesland' -> 'PV26'/'PV21'; None when unknown."""
    if name_or_code is None:
        return None
    text = str(name_or_code).strip()
    if text.upper() in PROVINCES:
        return text.upper()
    n = _norm(text)
    if n.startswith("provincie"):
        n = n[len("provincie"):]
    for code, name in PROVINCES.items():
        if _norm(name) == n:
            return code
    return _ALIASES.get(n)


def province_name(name_or_code):
    code = province_code(name_or_code)
    return PROVINCES.get(code) if code else None
