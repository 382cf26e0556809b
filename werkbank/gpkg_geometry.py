"""GeoPackage geometry blobs <-> shapely 2 geometry arrays, vectorised.

A GeoPackage geometry is a small header (magic ``GP``, version, flags, srs id,
optional envelope) followed by ISO WKB.  We always write little-endian with an
XY envelope (flags 0x03).  Pure Python + shapely/numpy; no GDAL needed.
"""

import struct

_ENVELOPE_SIZE = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
# No coordinate of a werkbank geometry (EPSG:28992, metres) is ever this far out; GEOS's WKT writer
# crashes on coordinates near 1e300, so anything beyond this is refused before GEOS formats it.
COORD_LIMIT = 1e7


def bad_coordinates(geoms, limit=COORD_LIMIT):
    """Indexes of geometries with a NaN/infinite coordinate or one beyond +/- ``limit`` (x, y or z).

    Vectorised (one ``get_coordinates`` call); missing and empty geometries are fine.
    """
    import numpy as np
    import shapely

    arr = np.asarray(list(geoms) + [None], dtype=object)[:-1]
    if len(arr) == 0:
        return []
    coords, index = shapely.get_coordinates(arr, include_z=True, return_index=True)
    if not len(coords):
        return []
    with np.errstate(invalid="ignore"):
        xy = coords[:, :2]
        z = coords[:, 2]
        bad = (~np.isfinite(xy) | (np.abs(xy) > limit)).any(axis=1)
        bad |= np.isinf(z) | (np.abs(np.nan_to_num(z, nan=0.0, posinf=np.inf, neginf=np.inf)) > limit)
    return sorted(set(index[bad].tolist()))


def encode(geoms, srid):
    """Sequence of shapely geometries (None allowed) -> list of bytes/None."""
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    out = [None] * len(arr)
    if len(arr) == 0:
        return out
    present = ~shapely.is_missing(arr)
    idx = np.nonzero(present)[0]
    if len(idx) == 0:
        return out
    sub = arr[idx]
    empty = shapely.is_empty(sub)
    wkb = shapely.to_wkb(sub, byte_order=1, flavor="iso")
    bounds = shapely.bounds(sub)
    pack_full = struct.Struct("<2sBBi4d").pack
    pack_empty = struct.Struct("<2sBBi").pack
    for k, i in enumerate(idx):
        if empty[k]:
            out[i] = pack_empty(b"GP", 0, 0x11, srid) + wkb[k]
        else:
            minx, miny, maxx, maxy = bounds[k]
            out[i] = pack_full(b"GP", 0, 0x03, srid, minx, maxx, miny, maxy) + wkb[k]
    return out


def decode(blobs):
    """Sequence of GeoPackage blobs (None allowed) -> numpy array of shapely geometries."""
    import numpy as np
    import shapely

    wkbs = []
    for b in blobs:
        if b is None:
            wkbs.append(None)
            continue
        b = bytes(b)
        if b[:2] != b"GP":
            # Plain WKB (some tools write it); accept it as such.
            wkbs.append(b)
            continue
        flags = b[3]
        env = _ENVELOPE_SIZE.get((flags >> 1) & 0x07, 0)
        wkbs.append(b[8 + env:])
    if not wkbs:
        return np.array([], dtype=object)
    return shapely.from_wkb(np.array(wkbs, dtype=object))
