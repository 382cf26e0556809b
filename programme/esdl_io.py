"""ESDL (Energy System Description Language) export and import with the optional package ``pyesdl``.

One ``esdl:EnergySystem`` named after the programme, with one ``Instance``
(the round) and one ``Area`` (the province).  Assets (ids are prefixed so
they are unique and XML-safe; ``originalIdInSource`` holds the werkbank id):

- stations → ``Transformer`` (``voltagePrimary`` kV, ``capacity`` W = newest
  afname limit), id ``station_<id>``;
- developments → ``ElectricityDemand`` with ``power`` = demand (W), id
  ``ontwikkeling_<id>``, and when they supply, a producer (``PVPark`` for zon,
  ``WindPark`` for wind, else ``GenericProducer``) with ``power`` = supply (W),
  id ``ontwikkeling_<id>_aanbod``; ``commissioningDate`` = 1 January of
  ``year_ready``.  A development with supply only has no demand asset;
- projects → by type infra (stations ``Transformer``, cables ``ElectricityCable``
  with a line, pipes ``Pipe``, ``Electrolyzer``, ``Battery``,
  ``EVChargingStation``, else ``GenericConversion``), id ``project_<id>``,
  ``state`` opgenomen = ENABLED, kandidaat = OPTIONAL, afgevallen = DISABLED,
  ``commissioningDate`` = 1 January of the IBN year, investment as
  ``costInformation.investmentCosts`` (EUR).

Positions: WGS84 ``esdl:Point`` lat/lon (a representative point of polygons).
Werkbank attributes without an ESDL field are kept in ``description`` as
``sleutel=waarde`` pairs separated by ``; `` so :func:`import_esdl` can read them back.
"""

import datetime as _dt
import os
import re

from .errors import ProgrammeError

MISSING = (
    "Voor ESDL-export en -import is het Python-pakket 'pyesdl' nodig. Installeer het in de Python van QGIS, "
    "bijvoorbeeld met: python3 -m pip install --user pyesdl==26.10.4 (Windows: OSGeo4W Shell). "
    "De rest van de plugin werkt ook zonder."
)
W_PER_MW = 1e6
PROJECT_CLASS = {
    "hs_station": "Transformer", "hs_ms_station": "Transformer", "ms_station": "Transformer",
    "hs_verbinding": "ElectricityCable", "ms_trace": "ElectricityCable",
    "waterstofleiding": "Pipe", "gasleiding": "Pipe",
    "elektrolyser": "Electrolyzer", "flex_opslag": "Battery", "laadplein": "EVChargingStation",
}
STATE = {"opgenomen": "ENABLED", "kandidaat": "OPTIONAL", "afgevallen": "DISABLED"}
SUPPLY_CLASS = {"zon": "PVPark", "wind": "WindPark"}


def esdl_available():
    import importlib.util

    return importlib.util.find_spec("esdl") is not None


def _esdl():
    try:
        from esdl import esdl  # noqa: PLC0415 - optional dependency
        from esdl.esdl_handler import EnergySystemHandler  # noqa: PLC0415
    except ImportError as e:
        raise ProgrammeError(MISSING) from e
    return esdl, EnergySystemHandler


def _xml_id(prefix, value):
    return "{}_{}".format(prefix, re.sub(r"[^A-Za-z0-9._-]", "_", str(value)))


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _year_date(y):
    y = _num(y)
    return _dt.datetime(int(y), 1, 1) if y else None


def _desc(kind, pairs):
    parts = [kind] + ["{}={}".format(k, str(v).replace(";", ",")) for k, v in pairs if v is not None and str(v) != ""
                      and not (isinstance(v, float) and v != v)]
    return "; ".join(parts)


def _parse_desc(text):
    out = {}
    for part in str(text or "").split("; ")[1:]:
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def _wgs84(gdf):
    if gdf is None or not len(gdf):
        return gdf
    return gdf.to_crs(4326)


def _point(esdl, geom):
    if geom is None or geom.is_empty:
        return None
    p = geom if geom.geom_type == "Point" else geom.representative_point()
    return esdl.Point(lat=float(p.y), lon=float(p.x), CRS="WGS84")


def _line(esdl, geom):
    from shapely.ops import linemerge

    if geom.geom_type == "MultiLineString":
        merged = linemerge(geom)
        geom = merged if merged.geom_type == "LineString" else max(merged.geoms, key=lambda g: g.length)
    return esdl.Line(point=[esdl.Point(lat=float(y), lon=float(x), CRS="WGS84") for x, y in geom.coords])


def build_energy_system(frames, programme):
    """An ``esdl.EnergySystem`` from export frames (see :func:`exchange.collect`)."""
    esdl, _ = _esdl()
    es = esdl.EnergySystem(id=_xml_id("pmiek", programme.get("programme_id") or "programma"),
                           name=str(programme["name"]),
                           description="pMIEK-programma provincie {} (pMIEK Werkbank)".format(programme["province"]))
    inst = esdl.Instance(id=_xml_id("ronde", programme.get("round") or "1"),
                         name=str(programme.get("round") or "pMIEK"))
    es.instance.append(inst)
    area = esdl.Area(id=str(programme.get("province_code") or "provincie"), name=str(programme["province"]),
                     scope=esdl.AreaScopeEnum.PROVINCE)
    inst.area = area

    cap = frames.get("station_capacity")
    newest = {}
    if cap is not None and len(cap):
        c = cap.sort_values("year")
        newest = dict(zip(c["station_id"], c["afname_mw"]))
    st = _wgs84(frames["stations"])
    for r, g in zip(st.to_dict("records"), st.geometry):
        a = esdl.Transformer(id=_xml_id("station", r["station_id"]), name=str(r["name"]),
                             originalIdInSource=str(r["station_id"]), state=esdl.AssetStateEnum.ENABLED)
        a.description = _desc("pMIEK station", [("netbeheerder", r.get("netbeheerder")),
                                                ("spanningsniveau", r.get("voltage_level"))])
        if _num(r.get("voltage_kv")) is not None:
            a.voltagePrimary = _num(r["voltage_kv"])
        if _num(newest.get(r["station_id"])) is not None:
            a.capacity = _num(newest[r["station_id"]]) * W_PER_MW
        a.geometry = _point(esdl, g)
        area.asset.append(a)

    dv = _wgs84(frames["developments"])
    for r, g in zip(dv.to_dict("records"), dv.geometry):
        demand, supply = _num(r.get("demand_mw")), _num(r.get("supply_mw"))
        pairs = [("sector", r.get("sector")), ("gemeente", r.get("municipality")), ("station", r.get("station_id")),
                 ("fase", r.get("phase")), ("jaar_gereed", r.get("year_ready"))]
        if (demand or 0) > 0 or not (supply or 0) > 0:
            a = esdl.ElectricityDemand(id=_xml_id("ontwikkeling", r["dev_id"]), name=str(r.get("name") or r["dev_id"]),
                                       originalIdInSource=str(r["dev_id"]), state=esdl.AssetStateEnum.ENABLED)
            a.power = (demand or 0.0) * W_PER_MW
            a.description = _desc("pMIEK ontwikkeling vraag", pairs)
            a.commissioningDate = _year_date(r.get("year_ready"))
            a.geometry = _point(esdl, g)
            area.asset.append(a)
        if (supply or 0) > 0:
            cls = getattr(esdl, SUPPLY_CLASS.get(r.get("sector"), "GenericProducer"))
            a = cls(id=_xml_id("ontwikkeling", r["dev_id"]) + "_aanbod", name=str(r.get("name") or r["dev_id"]),
                    originalIdInSource=str(r["dev_id"]), state=esdl.AssetStateEnum.ENABLED)
            a.power = supply * W_PER_MW
            a.description = _desc("pMIEK ontwikkeling aanbod", pairs)
            a.commissioningDate = _year_date(r.get("year_ready"))
            a.geometry = _point(esdl, g)
            area.asset.append(a)

    pr = _wgs84(frames["projects"])
    for r, g in zip(pr.to_dict("records"), pr.geometry):
        cls_name = PROJECT_CLASS.get(r.get("type_infra"), "GenericConversion")
        cls = getattr(esdl, cls_name)
        state = getattr(esdl.AssetStateEnum, STATE.get(r.get("status"), "OPTIONAL"))
        a = cls(id=_xml_id("project", r["project_id"]), name=str(r["name"]), originalIdInSource=str(r["project_id"]),
                state=state)
        a.description = _desc("pMIEK project", [
            ("code", r.get("code")), ("type_infra", r.get("type_infra")), ("fase", r.get("phase")),
            ("status", r.get("status")), ("ibn", r.get("ibn_year")), ("netbeheerder", r.get("netbeheerder")),
            ("station", r.get("station_id")), ("capaciteit_afname_mw", r.get("capacity_afname_mw"))])
        a.commissioningDate = _year_date(r.get("ibn_year"))
        inv = _num(r.get("investment_eur"))
        if inv is not None:
            a.costInformation = esdl.CostInformation(
                id=_xml_id("kosten", r["project_id"]),
                investmentCosts=esdl.SingleValue(id=_xml_id("investering", r["project_id"]), name="investering (EUR)",
                                                 value=inv))
        capmw = _num(r.get("capacity_afname_mw"))
        if capmw is not None and cls_name == "Transformer":
            a.capacity = capmw * W_PER_MW
        if g is not None and not g.is_empty and g.geom_type in ("LineString", "MultiLineString") and cls_name in (
                "ElectricityCable", "Pipe"):
            a.geometry = _line(esdl, g)
        else:
            a.geometry = _point(esdl, g)
        area.asset.append(a)
    return es


def export_esdl(frames, programme, path):
    """Write the ESDL file and validate it by loading it back; returns :func:`validate_esdl` of the file."""
    _, Handler = _esdl()
    es = build_energy_system(frames, programme)
    h = Handler(energy_system=es)
    from ..werkbank.atomic import atomic_path

    with atomic_path(str(path)) as tmp:  # validated before it replaces anything: never a 0-byte .esdl
        h.save(filename=tmp)
        result = validate_esdl(tmp)
    return result


def _load(path):
    _, Handler = _esdl()
    h = Handler()
    try:
        es = h.load_file(str(path))
    except Exception as e:  # noqa: BLE001 - pyecore raises many kinds
        raise ProgrammeError("{}: geen geldig ESDL-bestand ({}).".format(path, e)) from e
    if isinstance(es, tuple):  # some versions return (es, parse_info)
        es = es[0]
    return es


def _assets(es):
    out = []
    for inst in es.instance:
        stack = [inst.area] if inst.area is not None else []
        while stack:
            ar = stack.pop()
            out.extend(ar.asset)
            stack.extend(ar.area)
    return out


def validate_esdl(path):
    """Load with pyesdl; {"name", "assets": n, "per_class": {class: n}, "names": [...]}."""
    es = _load(path)
    assets = _assets(es)
    per = {}
    for a in assets:
        per[a.eClass.name] = per.get(a.eClass.name, 0) + 1
    return {"name": es.name, "assets": len(assets), "per_class": per, "names": [a.name for a in assets]}


def import_esdl(path, wb=None, user=None, feedback=None, sync=False, strict=False, report_path=None,
                source_wins=False):
    """Read stations, developments and projects back from an ESDL file written by :func:`export_esdl`.

    Returns {"stations", "developments", "projects"} as GeoDataFrames (EPSG:28992).  With ``wb`` the stations and
    developments are imported through the one import runner like any other source (source name ``ESDL <name>``;
    rejected rows named, REMOVED/SYNC, cancel writes nothing) and the result also has ``outcomes``
    ({"stations", "developments"}: ``ingest.runner.Outcome``) and ``report`` (both kinds; written to
    ``report_path`` when given).  Refused input, a conflict or a cancel raise ``ingest.errors.ImportFailed``.
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from ..ingest.versions import snapshot

    versions = snapshot(wb, "stations", "developments") if wb is not None else None  # checked at the write
    es = _load(path)
    stations, devs, projects = [], {}, []
    for a in _assets(es):
        desc = _parse_desc(a.description)
        kind = str(a.description or "").split(";")[0]
        geom = None
        if a.geometry is not None:
            if a.geometry.eClass.name == "Point":
                geom = Point(a.geometry.lon, a.geometry.lat)
            elif a.geometry.eClass.name == "Line":
                geom = LineString([(p.lon, p.lat) for p in a.geometry.point])
        src = a.originalIdInSource or a.id
        if kind == "pMIEK station":
            stations.append({"station_id": src, "name": a.name, "netbeheerder": desc.get("netbeheerder"),
                             "voltage_kv": a.voltagePrimary or None, "voltage_level": desc.get("spanningsniveau"),
                             "source": "ESDL " + str(es.name), "geometry": geom})
        elif kind.startswith("pMIEK ontwikkeling"):
            d = devs.setdefault(src, {"dev_id": src, "name": a.name, "sector": desc.get("sector") or "overig",
                                      "municipality": desc.get("gemeente"), "station_id": desc.get("station"),
                                      "phase": desc.get("fase"),
                                      "year_ready": a.commissioningDate.year if a.commissioningDate else None,
                                      "demand_mw": None, "supply_mw": None, "source": "ESDL " + str(es.name),
                                      "geometry": geom})
            if kind.endswith("aanbod"):
                d["supply_mw"] = (a.power or 0.0) / W_PER_MW
            else:
                d["demand_mw"] = (a.power or 0.0) / W_PER_MW
        elif kind == "pMIEK project":
            inv = None
            if a.costInformation is not None and a.costInformation.investmentCosts is not None:
                inv = a.costInformation.investmentCosts.value
            projects.append({"project_id": src, "code": desc.get("code"), "name": a.name,
                             "type_infra": desc.get("type_infra"), "phase": desc.get("fase"),
                             "status": desc.get("status"), "netbeheerder": desc.get("netbeheerder"),
                             "ibn_year": a.commissioningDate.year if a.commissioningDate else None,
                             "investment_eur": inv, "station_id": desc.get("station"),
                             "esdl_class": a.eClass.name, "esdl_state": a.state.name if a.state else None,
                             "geometry": geom})

    def gdf(rows, columns):
        g = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326) if rows else gpd.GeoDataFrame(
            {c: [] for c in columns} | {"geometry": []}, geometry="geometry", crs=4326)
        return g.to_crs(28992)

    out = {"stations": gdf(stations, STATION_MAPPING.values()),
           "developments": gdf(list(devs.values()), DEVELOPMENT_MAPPING.values()), "projects": gdf(projects, ())}
    if wb is not None:
        out.update(_run(wb, out, "ESDL " + str(es.name), os.path.basename(str(path)), versions, user=user, feedback=feedback, sync=sync,
                        strict=strict, report_path=report_path, source_wins=source_wins))
    return out


# what an ESDL asset's fields are for the stations / developments import (the runner's field mapping)
STATION_MAPPING = {"id": "station_id", "name": "name", "operator": "netbeheerder", "voltage_kv": "voltage_kv",
                   "voltage_level": "voltage_level"}
DEVELOPMENT_MAPPING = {"id": "dev_id", "name": "name", "sector": "sector", "municipality": "municipality",
                       "year": "year_ready", "phase": "phase", "demand_mw": "demand_mw", "supply_mw": "supply_mw",
                       "station": "station_id"}


def _run(wb, frames, source, file_name, versions, user=None, feedback=None, sync=False, strict=False, report_path=None,
         source_wins=False):
    """Stations, then developments, through the one import runner (``layers.importers.import_stations`` /
    ``import_developments``: validation, province, REMOVED/SYNC, decisions, cancel, rejected rows) in one
    transaction: a cancel or a refusal of either writes nothing.  One report for the ESDL file (both kinds as
    sections), written to ``report_path`` when given."""
    from ..ingest.errors import ImportFailed
    from ..layers.importers import import_developments, import_stations
    from ..layers.validation import ValidationReport

    if not len(frames["stations"]) and not len(frames["developments"]):
        raise ImportFailed("{}: het ESDL-bestand bevat geen stations of ontwikkelingen van de pMIEK Werkbank; er is "
                           "niets geïmporteerd en de werkbank is niet gewijzigd.".format(source))
    kw = {"user": user, "feedback": feedback, "sync": sync, "strict": strict, "source_wins": source_wins,
          "versions": versions}
    outcomes = {}
    with wb.transaction():  # a kind the file has none of is not imported (an empty layer is refused)
        if len(frames["stations"]):
            outcomes["stations"] = import_stations(
                wb, frames["stations"].drop(columns=["source"], errors="ignore"), STATION_MAPPING, source, **kw)
        if len(frames["developments"]):
            d = frames["developments"].drop(columns=["source"], errors="ignore").copy()
            # a station this werkbank does not have (also not from this file) is no link (as before)
            known = {r["station_id"] for r in wb.query("SELECT station_id FROM stations")}
            d.loc[~d["station_id"].isin(known), "station_id"] = None
            outcomes["developments"] = import_developments(wb, d, DEVELOPMENT_MAPPING, source, **kw)
    done = list(outcomes.values())
    rep = ValidationReport(file_name, "ESDL-import", sum(o.input_rows for o in done))
    rep.imported = sum(o.imported for o in done)
    rep.sub_reports = [o.report for o in done]
    rep.note("Stations (Transformer) en ontwikkelingen (vraag en aanbod) uit het ESDL-bestand; projecten worden "
             "niet ingelezen.")
    if report_path:
        rep.write(report_path)
    return {"outcomes": outcomes, "report": rep}
