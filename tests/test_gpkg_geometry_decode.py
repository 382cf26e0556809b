"""gpkg_geometry.decode: every header layout, plain WKB, None and other bytes-like blobs."""

import struct

import shapely

from pmiek_werkbank.werkbank import gpkg_geometry


def _blob(geom, envelope_code, little=True):
    wkb = shapely.to_wkb(geom, byte_order=1 if little else 0, flavor="iso")
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope_code]
    flags = (envelope_code << 1) | (1 if little else 0)
    return struct.pack("<2sBBi", b"GP", 0, flags, 28992) + b"\0" * size + wkb


def test_decode_every_header_and_blob_kind():
    poly = shapely.box(1, 2, 3, 4)
    pt = shapely.Point(5, 6)
    blobs = [_blob(poly, code) for code in range(5)] + [
        _blob(pt, 1, little=False), shapely.to_wkb(pt), None, memoryview(_blob(pt, 1)), bytearray(_blob(poly, 0)),
        gpkg_geometry.encode([shapely.Point()], 28992)[0]]
    got = gpkg_geometry.decode(blobs)
    assert len(got) == len(blobs)
    assert all(shapely.equals(g, poly) for g in got[:5])
    assert shapely.equals(got[5], pt) and shapely.equals(got[6], pt) and shapely.equals(got[8], pt)
    assert got[7] is None
    assert shapely.equals(got[9], poly)
    assert shapely.is_empty(got[10])
    assert len(gpkg_geometry.decode([])) == 0
    # what encode writes decodes to the same geometries
    again = gpkg_geometry.decode(gpkg_geometry.encode([poly, None, pt], 28992))
    assert shapely.equals(again[0], poly) and again[1] is None and shapely.equals(again[2], pt)


def test_encode_writes_the_geopackage_header_byte_for_byte():
    """encode: 'GP', version 0, flags 0x03 (little-endian, XY envelope minx maxx miny maxy) + ISO WKB; an empty
    geometry flags 0x11 and no envelope; None stays None; a 3-D geometry still gets the XY envelope."""
    geoms = [shapely.box(1, 2, 3, 4), None, shapely.Point(), shapely.Point(5, 6), shapely.Polygon(),
             shapely.LineString([(0, 0, 1), (7, -8, 2)]), shapely.MultiPolygon([shapely.box(-1, -2, 0, 0)])]
    got = gpkg_geometry.encode(geoms, -1)
    want = []
    for g in geoms:
        if g is None:
            want.append(None)
        elif g.is_empty:
            want.append(struct.pack("<2sBBi", b"GP", 0, 0x11, -1) + shapely.to_wkb(g, byte_order=1, flavor="iso"))
        else:
            x0, y0, x1, y1 = g.bounds
            want.append(struct.pack("<2sBBi4d", b"GP", 0, 0x03, -1, x0, x1, y0, y1)
                        + shapely.to_wkb(g, byte_order=1, flavor="iso"))
    assert got == want
    assert gpkg_geometry.encode([], 28992) == [] and gpkg_geometry.encode([None, None], 28992) == [None, None]
    assert gpkg_geometry.encode([shapely.Point()], 28992)[0][:4] == b"GP\x00\x11"
