"""Id spellings: the same station as ``356``, ``osm-356``, ``OSM 356`` is one station."""

from .columns import norm

_PREFIXES = ("osm",)


def station_key(value):
    """A comparison key for a station id: case, spaces and punctuation ignored, an OSM prefix before a number
    dropped ('OSM 356', 'osm-356', '356' -> '356')."""
    if value is None:
        return None
    t = norm(value)
    for p in _PREFIXES:
        if t.startswith(p) and t[len(p):].isdigit():
            return t[len(p):].lstrip("0") or "0"
    if t.isdigit():
        return t.lstrip("0") or "0"
    return t


def unify(ids, existing=()):
    """Map every id to one spelling: an existing werkbank id with the same key wins, else the first spelling
    in ``ids``.  Returns (mapped list, {given: used} for the ids that were respelled)."""
    canon = {}
    for e in existing:
        if e is not None:
            canon.setdefault(station_key(e), e)
    mapped, changed = [], {}
    for v in ids:
        if v is None:
            mapped.append(None)
            continue
        k = station_key(v)
        use = canon.setdefault(k, v)
        if use != v:
            changed[v] = use
        mapped.append(use)
    return mapped, changed
