"""Data exchange with partners: an export package and its lossless import.

``export_package(wb, folder)`` writes into ``folder``:

- ``pmiek_pakket.gpkg``: a complete pMIEK-werkbank (same schema) with the
  exported rows; geometries in **EPSG:28992 (RD New)**, as in every werkbank;
- ``geojson/<tabel>.geojson``: one file per spatial table in **WGS84
  (EPSG:4326, RFC 7946, lon/lat, 7 decimals)** – RFC 7946 allows no other CRS;
- ``tabellen/<tabel>.csv``: the non-spatial tables (UTF-8, ``;``);
- ``datadictionary.csv`` and ``datadictionary.md``: every table and column with
  its Dutch description (``werkbank/schema.py``) and the code lists;
- ``manifest.json``: programme, export date, selection, row counts, a content
  digest per table, SHA-256 per file, attribution and licence (ODbL for data
  derived from OpenStreetMap);
- optionally ``<programma>.esdl`` (see :mod:`.esdl_io`).

Confidential projects (``projects.confidential = 1``) are left out, with their
links, dependencies, scores, actions and monitoring rows, unless asked for.
A selection is a municipality (attribute match, plus an optional polygon) or a
netbeheerder (its stations, projects and capacity areas, and everything that
lies in those areas).  Rounds, variants and the audit trail are internal and
not exported.

``import_package(folder, new_werkbank)`` rebuilds a werkbank from the
package's GeoPackage and checks the content digests of the manifest: the
imported werkbank holds exactly what was exported (fids, row versions and
modification stamps aside).
"""

import datetime as _dt
import hashlib
import json
import os
import re

from .. import tabular
from ..werkbank import enums as E
from ..werkbank.schema import FID, GEOM, TABLES
from .errors import ProgrammeError
from .rounds import sha256_file

PACKAGE_FORMAT = "pmiek-uitwisselpakket"
PACKAGE_VERSION = 1
PACKAGE_GPKG = "pmiek_pakket.gpkg"
MANIFEST = "manifest.json"
EXPORT_TABLES = (
    "programme", "stations", "station_capacity", "capacity_areas", "kengetallen", "developments", "knooppunten",
    "projects", "project_links", "project_dependencies", "criteria", "scores", "actions", "monitoring",
)
DIGEST_SKIP = {FID, "row_version", "modified", "modified_by"}
ODBL_NOTE = (
    "Gegevens die zijn afgeleid van OpenStreetMap (bijv. hoogspanningsstations en -lijnen) vallen onder de "
    "Open Database License (ODbL 1.0): © OpenStreetMap-bijdragers, https://www.openstreetmap.org/copyright. "
    "Een database die daarvan is afgeleid moet ook onder ODbL worden gedeeld."
)
LICENCE_NOTE = (
    "Programmagegevens (projecten, ontwikkelingen, scores) zijn van de provincie en haar partners; gebruik ze "
    "alleen binnen het pMIEK-proces tenzij anders afgesproken. Gebiedsindelingen: Kadaster/CBS, open data met "
    "bronvermelding. " + ODBL_NOTE
)

# Dutch descriptions for columns without a doc in the schema (data dictionary)
FALLBACK_DOCS = {
    "programme_id": "stabiele id van het programma",
    "created": "tijdstip van aanmaken (ISO 8601, UTC)",
    "name": "naam",
    "netbeheerder": "netbeheerder",
    "voltage_kv": "spanning (kV)",
    "voltage_level": "spanningsniveau",
    "source": "bron (dataset of organisatie)",
    "source_id": "id in de bron",
    "peildatum": "peildatum van de gegevens (JJJJ-MM-DD)",
    "note": "opmerking",
    "station_id": "station (stations.station_id)",
    "year": "jaar",
    "area_id": "stabiele id van het capaciteitsgebied",
    "afname_colour": "kleur capaciteitskaart, richting afname",
    "invoeding_colour": "kleur capaciteitskaart, richting invoeding",
    "afname_available_mw": "beschikbare afnamecapaciteit (MW)",
    "invoeding_available_mw": "beschikbare invoedingscapaciteit (MW)",
    "afname_queue_mw": "wachtrij afname (MW)",
    "invoeding_queue_mw": "wachtrij invoeding (MW)",
    "afname_alleviation_year": "verwacht jaar van opheffen congestie afname",
    "invoeding_alleviation_year": "verwacht jaar van opheffen congestie invoeding",
    "kengetal_id": "kengetal (kengetallen.kengetal_id)",
    "sector": "sector",
    "demand_mw_per_unit": "vraag per eenheid (MW)",
    "supply_mw_per_unit": "aanbod per eenheid (MW)",
    "description": "omschrijving",
    "municipality": "gemeente",
    "year_ready": "jaar waarin de ontwikkeling gereed is",
    "phase": "fase",
    "demand_mw": "vraag naar elektriciteit (MW)",
    "supply_mw": "aanbod/teruglevering (MW)",
    "energy_carrier": "energiedrager",
    "unit": "eenheid van de hoeveelheid",
    "dwellings": "aantal woningen",
    "jobs": "aantal arbeidsplaatsen",
    "knooppunt_id": "stabiele id van het knooppunt",
    "karakter": "karakter van het knooppunt",
    "project_id": "project (projects.project_id)",
    "municipalities": "gemeente(n)",
    "type_infra": "type infrastructuur",
    "financial_note": "toelichting financiering",
    "investment_eur": "geraamde investering (EUR)",
    "financial_cover": "financiële dekking",
    "weight": "gewicht van het criterium",
    "sort_order": "volgorde in overzichten",
    "dependencies_pmiek": "afhankelijkheden van andere pMIEK-projecten",
    "dependencies_nmiek": "afhankelijkheden van het nationaal MIEK",
    "route": "route naar het energyboard",
    "bevoegd_gezag": "bevoegd gezag",
    "link_id": "stabiele id van de koppeling",
    "dev_id": "ontwikkeling (developments.dev_id)",
    "share_mw": "aandeel van de ontwikkeling (MW)",
    "share_pct": "aandeel van de ontwikkeling (%)",
    "motivation": "motivatie van de koppeling",
    "dependency_id": "stabiele id van de afhankelijkheid",
    "kind": "soort afhankelijkheid",
    "depends_on_project_id": "project waarvan dit project afhangt",
    "criterion_id": "criterium (criteria.criterion_id)",
    "score_id": "stabiele id van de beoordeling",
    "rating": "waardering op de schaal van het criterium",
    "assessor": "beoordelaar",
    "assessor_role": "rol van de beoordelaar",
    "score_date": "datum van de beoordeling",
    "action_id": "stabiele id van de actie",
    "activity": "activiteit",
    "trekker": "trekker / verantwoordelijke",
    "planning": "planning",
    "status": "status",
    "monitoring_id": "stabiele id van de monitoringregel",
    "grp": "groep van het criterium",
    "table_name": "tabel",
    "row_key": "sleutel van de rij",
    "action": "soort wijziging",
    "changed_by": "gewijzigd door",
    "changed_at": "tijdstip van wijziging",
    "old_values": "oude waarden (JSON)",
    "new_values": "nieuwe waarden (JSON)",
}

# column -> enumeration, for the labels in the data dictionary code lists
ENUM_COLUMNS = {
    "sector": E.SECTORS, "afname_colour": E.CAPACITY_COLOURS, "invoeding_colour": E.CAPACITY_COLOURS,
    "karakter": E.KNOOPPUNT_KARAKTER, "energy_carrier": E.ENERGY_CARRIERS, "type_infra": E.TYPE_INFRA,
    "financial_cover": E.FINANCIAL_COVER, "route": E.ROUTES, "grp": E.CRITERION_GROUPS,
    "assessor_role": E.ASSESSOR_ROLES, "kind": E.DEPENDENCY_KINDS,
}
ENUM_TABLE_COLUMNS = {("projects", "phase"): E.PROJECT_PHASES, ("developments", "phase"): E.DEVELOPMENT_PHASES,
                      ("projects", "status"): E.PROJECT_STATUS}


# ---- data dictionary -----------------------------------------------------------------------
def code_list(table, column):
    """[(code, Dutch label)] of a column with a CHECK ... IN (...) constraint; [] otherwise."""
    col = TABLES[table].column(column)
    m = re.search(r"IN \(([^)]*)\)", col.constraint or "")
    if not m:
        return []
    codes = [c.strip().strip("'") for c in m.group(1).split(",")]
    enum = ENUM_TABLE_COLUMNS.get((table, column)) or ENUM_COLUMNS.get(column)
    out = []
    for c in codes:
        if enum is not None and c in enum:
            out.append((c, E.label(enum, c)))
        elif column == "voltage_level":
            out.append((c, {"EHS": "extra hoogspanning", "HS": "hoogspanning", "TS": "tussenspanning",
                            "MS": "middenspanning"}.get(c, c)))
        else:
            out.append((c, {"open": "open", "lopend": "lopend", "gereed": "gereed", "insert": "toegevoegd",
                            "update": "gewijzigd", "delete": "verwijderd", "0": "nee", "1": "ja"}.get(c, c)))
    return out


def data_dictionary(tables=EXPORT_TABLES):
    """Rows (dicts) tabel, tabelomschrijving, kolom, type, verplicht, beschrijving, codes."""
    rows = []
    for tname in tables:
        t = TABLES[tname]
        for c in t.columns:
            codes = code_list(tname, c.name)
            rows.append({
                "tabel": tname,
                "tabelomschrijving": t.doc,
                "kolom": c.name,
                "type": c.type,
                "verplicht": "ja" if "NOT NULL" in (c.constraint or "") else "nee",
                "beschrijving": c.doc or FALLBACK_DOCS.get(c.name, ""),
                "codes": "; ".join("{} = {}".format(k, v) for k, v in codes),
            })
        if t.spatial:
            rows.append({
                "tabel": tname, "tabelomschrijving": t.doc, "kolom": GEOM, "type": t.geometry_type,
                "verplicht": "nee",
                "beschrijving": "geometrie: EPSG:28992 (RD New) in de GeoPackage, WGS84 (EPSG:4326) in de GeoJSON",
                "codes": "",
            })
    return rows


def write_data_dictionary(folder, tables=EXPORT_TABLES):
    rows = data_dictionary(tables)
    cols = ["tabel", "tabelomschrijving", "kolom", "type", "verplicht", "beschrijving", "codes"]
    csv_path = os.path.join(folder, "datadictionary.csv")
    tabular.write_csv(csv_path, cols, ([r.get(c) for c in cols] for r in rows), encoding="utf-8")
    md = ["# Datadictionary pMIEK-uitwisselpakket", "",
          "Geometrie: EPSG:28992 (RD New) in `{}`; WGS84 (EPSG:4326, RFC 7946) in `geojson/`.".format(PACKAGE_GPKG),
          ""]
    for tname in tables:
        t = TABLES[tname]
        md += ["## {}".format(tname), "", t.doc, "", "| kolom | type | verplicht | beschrijving | codes |",
               "|---|---|---|---|---|"]
        for r in rows:
            if r["tabel"] == tname:
                md.append("| {} | {} | {} | {} | {} |".format(
                    r["kolom"], r["type"], r["verplicht"], r["beschrijving"].replace("|", "/"),
                    r["codes"].replace("|", "/")))
        md.append("")
    md_path = os.path.join(folder, "datadictionary.md")
    from ..werkbank.atomic import write_text

    write_text(md_path, "\n".join(md))
    return csv_path, md_path


# ---- digest ----------------------------------------------------------------------------------
def _plain(v):
    if v is None:
        return None
    try:
        import pandas as pd

        if not isinstance(v, (list, tuple, dict, bytes)) and pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(v, "item", None)
    if item is not None and not isinstance(v, (str, bytes)):
        v = item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float):
        return repr(v)
    return v


def frame_digest(table, df):
    """SHA-256 of a table's content: all columns but fid/row_version/modified/modified_by, rows sorted."""
    import shapely

    t = TABLES[table]
    cols = [c for c in t.column_names if c not in DIGEST_SKIP and c in df.columns]
    records = []
    geoms = None
    if t.spatial and hasattr(df, "geometry"):
        geoms = [None if g is None or g.is_empty else shapely.to_wkb(g, hex=True, byte_order=1)
                 for g in df.geometry]
    for i, row in enumerate(df[cols].itertuples(index=False)):
        rec = [_plain(v) for v in row]
        if geoms is not None:
            rec.append(geoms[i])
        records.append(json.dumps(rec, default=str, ensure_ascii=False))
    records.sort()
    h = hashlib.sha256(table.encode())
    h.update(json.dumps(cols).encode())
    for r in records:
        h.update(r.encode())
    return h.hexdigest()


def werkbank_digests(wb, tables=EXPORT_TABLES):
    """{table: content digest} of a werkbank (see :func:`frame_digest`)."""
    return {t: frame_digest(t, wb.read_frame(t)) for t in tables}


# ---- selection -------------------------------------------------------------------------------
def _split_names(text):
    return {p.strip().lower() for p in re.split(r"[;,/]", str(text or "")) if p.strip()}


def collect(wb, selection=None, include_confidential=False):
    """The rows to export: {table: (Geo)DataFrame}, after confidentiality and selection.

    ``selection``: None, ``{"municipality": name, "area": polygon (EPSG:28992, optional)}``
    or ``{"netbeheerder": name}``.
    """
    frames = {t: wb.read_frame(t) for t in EXPORT_TABLES}
    pr = frames["projects"]
    if not include_confidential:
        pr = pr[pr["confidential"].fillna(0).astype(int) != 1]
    sel = {k: v for k, v in (selection or {}).items() if v not in (None, "")}
    st, dv, ca, kp = frames["stations"], frames["developments"], frames["capacity_areas"], frames["knooppunten"]
    if sel:
        area = sel.get("area")
        if "municipality" in sel:
            name = str(sel["municipality"]).strip().lower()
            dmask = dv["municipality"].fillna("").str.strip().str.lower() == name
            pmask = pr["municipalities"].map(lambda s: name in _split_names(s))
            if area is not None:
                dmask = dmask | dv.geometry.intersects(area)
                pmask = pmask | pr.geometry.intersects(area)
            dv, pr = dv[dmask], pr[pmask]
            sids = set(dv["station_id"].dropna()) | set(pr["station_id"].dropna())
            smask = st["station_id"].isin(sids)
            if area is not None:
                smask = smask | st.geometry.within(area)
            st = st[smask]
            cmask = ca["station_id"].isin(set(st["station_id"]))
            if area is not None:
                cmask = cmask | ca.geometry.intersects(area)
            ca = ca[cmask]
        elif "netbeheerder" in sel:
            nb = str(sel["netbeheerder"]).strip().lower()
            ca = ca[ca["netbeheerder"].fillna("").str.strip().str.lower() == nb]
            area = ca.geometry.union_all() if len(ca) else None
            smask = st["netbeheerder"].fillna("").str.strip().str.lower() == nb
            if area is not None:
                smask = smask | st.geometry.within(area)
            st = st[smask]
            sids = set(st["station_id"])
            pmask = (pr["netbeheerder"].fillna("").str.strip().str.lower() == nb) | pr["station_id"].isin(sids)
            dmask = dv["station_id"].isin(sids)
            if area is not None:
                pmask = pmask | pr.geometry.intersects(area)
                dmask = dmask | dv.geometry.intersects(area)
            pr, dv = pr[pmask], dv[dmask]
        else:
            raise ProgrammeError("Onbekende selectie {}; kies een gemeente of een netbeheerder.".format(sorted(sel)))
        kmask = kp["knooppunt_id"].isin(set(pr["knooppunt_id"].dropna()))
        if area is not None:
            kmask = kmask | kp.geometry.intersects(area)
        kp = kp[kmask]
    pids, dids = set(pr["project_id"]), set(dv["dev_id"])
    sids, kids = set(st["station_id"]), set(kp["knooppunt_id"])
    out = dict(frames)
    out["projects"] = pr.copy()
    out["stations"], out["developments"] = st, dv.copy()
    out["capacity_areas"], out["knooppunten"] = ca, kp
    # references to rows that are not exported: station/knooppunt ids become empty (dangling otherwise)
    out["projects"].loc[~out["projects"]["knooppunt_id"].isin(kids), "knooppunt_id"] = None
    out["station_capacity"] = frames["station_capacity"][frames["station_capacity"]["station_id"].isin(sids)]
    links = frames["project_links"]
    out["project_links"] = links[links["project_id"].isin(pids) & links["dev_id"].isin(dids)]
    deps = frames["project_dependencies"]
    all_conf = set(frames["projects"].loc[frames["projects"]["confidential"].fillna(0).astype(int) == 1, "project_id"])
    if include_confidential:
        all_conf = set()
    deps = deps[deps["project_id"].isin(pids) & ~deps["depends_on_project_id"].isin(all_conf)].copy()
    deps.loc[deps["depends_on_project_id"].notna() & ~deps["depends_on_project_id"].isin(pids),
             "depends_on_project_id"] = None
    out["project_dependencies"] = deps
    for t in ("scores", "actions", "monitoring"):
        out[t] = frames[t][frames[t]["project_id"].isin(pids)]
    return {t: f.reset_index(drop=True) for t, f in out.items()}


# ---- export ---------------------------------------------------------------------------------
def _refuse_own_werkbank(wb, gpkg):
    """The package's GeoPackage may never replace the werkbank it is exported from."""
    from ..werkbank.atomic import check_not_protected

    check_not_protected(gpkg)
    own = getattr(wb, "path", None) or (wb.target if wb.backend == "gpkg" else None)
    if own and os.path.exists(gpkg) and os.path.exists(own) and os.path.samefile(gpkg, own):
        raise ProgrammeError("{}: dit is de werkbank zelf; het pakket zou hem overschrijven. Kies een andere map voor "
                             "het pakket. Er is niets geschreven.".format(gpkg))


def _write_package_gpkg(path, programme, frames):
    from ..werkbank import create_werkbank
    from ..werkbank.atomic import atomic_path, discard

    # built beside and swapped in complete; never over a protected file (the werkbank of a running algorithm)
    with atomic_path(path) as tmp:
        try:
            wb = create_werkbank(tmp, programme["name"], programme["province"],
                                 province_code=programme.get("province_code"))
            try:
                with wb.transaction() as tx:
                    tx.execute("DELETE FROM criteria")
                    tx.execute("DELETE FROM kengetallen")
                    cols = [c for c in TABLES["programme"].column_names if c not in ("row_version",)]
                    tx.execute("UPDATE programme SET {}".format(", ".join('"{}" = ?'.format(c) for c in cols)),
                               [_plain(programme.get(c)) for c in cols])
                    for t in EXPORT_TABLES:
                        if t == "programme" or not len(frames[t]):
                            continue
                        wb.write_frame(t, frames[t], mode="insert")
                    tx.execute("DELETE FROM audit_log")
            finally:
                wb.close()
        finally:
            for f in (tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                discard(f)


def _write_geojson(path, gdf):
    cols = [c for c in gdf.columns if c not in (FID,)]
    g = gdf[cols]
    from ..werkbank.atomic import atomic_path, write_text

    if not len(g):
        write_text(path, json.dumps({"type": "FeatureCollection", "features": []}))
        return
    g = g.to_crs(4326)
    with atomic_path(path) as tmp:
        from ..vector_io import write_frame

        write_frame(g, tmp, driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_BBOX": "NO"})


def _write_csv(path, df):
    cols = [c for c in df.columns if c != FID]
    tabular.write_frame(df[cols], path, encoding="utf-8", bool_text=False, lineterminator="\n")


BALANCE_DIFFERS = ("{} weggelaten vertrouwelijk(e) project(en) voegen capaciteit toe die de capaciteitsbalans van de "
                   "provincie wel meetelt (het net is fysiek): een balans berekend uit dit pakket wijkt daar af bij "
                   "de stations van die projecten.")


def export_package(wb, folder, selection=None, include_confidential=False, esdl=False, overwrite=True):
    """Write the exchange package of ``wb`` into ``folder``; returns the manifest (dict)."""
    folder = str(folder)
    os.makedirs(folder, exist_ok=True)
    if os.path.exists(os.path.join(folder, MANIFEST)) and not overwrite:
        raise ProgrammeError("{}: de map bevat al een pakket; kies een lege map.".format(folder))
    prog = dict(wb.programme())
    frames = collect(wb, selection, include_confidential)
    pr_all = wb.read_frame("projects", columns=["confidential", "status", "station_id", "capacity_afname_mw",
                                                "capacity_teruglevering_mw"], geometry=False)
    conf = pr_all["confidential"].fillna(0).astype(int) == 1
    n_conf = int(conf.sum())
    # left-out confidential projects that the province's balance counts (active, at a station, adding capacity):
    # a balance computed from this package differs from the province's at those stations
    counted = pr_all[conf & (pr_all["status"].fillna("") != "afgevallen") & pr_all["station_id"].notna()
                     & ((pr_all["capacity_afname_mw"].fillna(0) != 0) | (pr_all["capacity_teruglevering_mw"].fillna(0)
                                                                          != 0))]
    n_counted = 0 if include_confidential else int(len(counted))
    gpkg = os.path.join(folder, PACKAGE_GPKG)
    _refuse_own_werkbank(wb, gpkg)
    _write_package_gpkg(gpkg, prog, frames)
    files = [PACKAGE_GPKG]
    os.makedirs(os.path.join(folder, "geojson"), exist_ok=True)
    os.makedirs(os.path.join(folder, "tabellen"), exist_ok=True)
    for t in EXPORT_TABLES:
        if TABLES[t].spatial:
            rel = "geojson/{}.geojson".format(t)
            _write_geojson(os.path.join(folder, rel), frames[t])
        else:
            rel = "tabellen/{}.csv".format(t)
            _write_csv(os.path.join(folder, rel), frames[t])
        files.append(rel)
    write_data_dictionary(folder)
    files += ["datadictionary.csv", "datadictionary.md"]
    esdl_file = None
    if esdl:
        from .esdl_io import export_esdl

        esdl_file = _safe_name(prog["name"]) + ".esdl"
        export_esdl(frames, prog, os.path.join(folder, esdl_file))
        files.append(esdl_file)
    sel = {k: v for k, v in (selection or {}).items() if k in ("municipality", "netbeheerder") and v}
    osm = any("osm" in str(s).lower() or "openstreetmap" in str(s).lower()
              for s in list(frames["stations"].get("source", [])) + list(frames["developments"].get("source", [])))
    manifest = {
        "formaat": PACKAGE_FORMAT,
        "versie": PACKAGE_VERSION,
        "programma": {k: _plain(prog.get(k)) for k in ("programme_id", "name", "province", "province_code", "round",
                                                       "version", "peildatum", "disclaimer")},
        "exportdatum": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "selectie": {"gemeente": sel.get("municipality"), "netbeheerder": sel.get("netbeheerder"),
                     "gebied_gegeven": bool((selection or {}).get("area") is not None)},
        "vertrouwelijk": {
            "meegenomen": bool(include_confidential),
            "weggelaten_projecten": 0 if include_confidential else n_conf,
            "toelichting": "Vertrouwelijke projecten en hun koppelingen, afhankelijkheden, scores, acties en "
                           "monitoring zijn weggelaten." if not include_confidential else
                           "LET OP: vertrouwelijke projecten zijn meegenomen; deel dit pakket niet breed.",
            "balans_wijkt_af": bool(n_counted),
            "balans_toelichting": BALANCE_DIFFERS.format(n_counted) if n_counted else "",
        },
        "coordinatenstelsels": {
            PACKAGE_GPKG: "EPSG:28992 (Amersfoort / RD New)",
            "geojson/*.geojson": "EPSG:4326 (WGS84, lengte/breedte, RFC 7946)",
            "esdl": "WGS84 (esdl:Point lat/lon)" if esdl else None,
        },
        "tabellen": {t: {"rijen": int(len(frames[t])), "digest": frame_digest(t, frames[t])} for t in EXPORT_TABLES},
        "bestanden": [{"pad": f, "bytes": os.path.getsize(os.path.join(folder, f)),
                       "sha256": sha256_file(os.path.join(folder, f))} for f in files],
        "esdl": esdl_file,
        "bronvermelding": _attribution(),
        "bevat_osm_afgeleide_gegevens": osm,
        "licentie": LICENCE_NOTE,
        "odbl": ODBL_NOTE,
        "niet_meegenomen": ["rounds", "variants", "variant_projects", "audit_log"],
    }
    from ..werkbank.atomic import write_text

    # the manifest last: a package without one (a killed export) is refused on import
    write_text(os.path.join(folder, MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _safe_name(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("_") or "programma"


def _attribution():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "ATTRIBUTION.txt")
    lines = [
        "Provincies en gemeenten: Kadaster / CBS (CBS Gebiedsindelingen, Wijk- en Buurtkaart), via PDOK.",
        "Hoogspanningsnet: © OpenStreetMap-bijdragers (ODbL 1.0).",
    ]
    if os.path.exists(path):
        lines.append("Zie ook ATTRIBUTION.txt van de plugin pMIEK Werkbank.")
    return lines


# ---- import ---------------------------------------------------------------------------------
def read_manifest(folder):
    path = os.path.join(str(folder), MANIFEST)
    if not os.path.exists(path):
        raise ProgrammeError("{}: geen {} gevonden; is dit een pMIEK-uitwisselpakket?".format(folder, MANIFEST))
    try:
        with open(path, encoding="utf-8") as f:
            man = json.load(f)
    except ValueError as e:
        raise ProgrammeError("{}: {} is geen geldige JSON ({}).".format(folder, MANIFEST, e)) from e
    if man.get("formaat") != PACKAGE_FORMAT:
        raise ProgrammeError("{}: onbekend formaat '{}' (verwacht {}).".format(folder, man.get("formaat"),
                                                                               PACKAGE_FORMAT))
    if int(man.get("versie") or 0) > PACKAGE_VERSION:
        raise ProgrammeError("{}: pakketversie {} is nieuwer dan deze plugin kent ({}); werk de plugin bij.".format(
            folder, man.get("versie"), PACKAGE_VERSION))
    return man


def import_package(folder, new_werkbank, overwrite=False, verify=True):
    """Rebuild a werkbank from the package in ``folder``; returns {"path", "counts", "digests_ok"}."""
    from ..werkbank import WerkbankError, open_werkbank

    folder = str(folder)
    man = read_manifest(folder)
    gpkg = os.path.join(folder, PACKAGE_GPKG)
    if not os.path.exists(gpkg):
        raise ProgrammeError("{}: {} ontbreekt in het pakket.".format(folder, PACKAGE_GPKG))
    entry = next((f for f in man.get("bestanden", []) if f.get("pad") == PACKAGE_GPKG), None)
    if verify and entry and entry.get("sha256") and entry["sha256"] != sha256_file(gpkg):
        raise ProgrammeError("{}: het controlegetal klopt niet; het bestand is gewijzigd of beschadigd.".format(gpkg))
    from ..werkbank.storage import is_postgres_target

    target = str(new_werkbank)
    if not is_postgres_target(target):
        if os.path.exists(target) and not overwrite:
            raise ProgrammeError("{}: het bestand bestaat al; kies een andere naam of overschrijven. Er is niets "
                                 "gewijzigd.".format(target))
        if overwrite and os.path.exists(target):
            from ..werkbank.copy import _refuse_open_werkbank

            try:
                _refuse_open_werkbank(target)
            except WerkbankError as e:
                raise ProgrammeError(str(e)) from None
    src = open_werkbank(gpkg, readonly=True)
    try:
        prog = dict(src.programme())
        frames = {t: src.read_frame(t) for t in EXPORT_TABLES}
    finally:
        src.close()
    if is_postgres_target(target):
        return _fill_from_package(man, prog, frames, target, overwrite, verify)
    from ..werkbank.atomic import atomic_path, discard

    # Built beside the target and swapped in only when complete and verified: a failed, killed or disk-full
    # import leaves an existing werkbank exactly as it was (OVERWRITE included).
    with atomic_path(target) as tmp:
        try:
            result = _fill_from_package(man, prog, frames, tmp, False, verify)
        finally:
            for f in (tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                discard(f)
    result["path"] = target
    return result


def _fill_from_package(man, prog, frames, new_werkbank, overwrite, verify):
    from ..werkbank import WerkbankError, create_werkbank

    try:
        wb = create_werkbank(str(new_werkbank), prog["name"], prog["province"], province_code=prog.get("province_code"),
                             overwrite=overwrite)
    except WerkbankError as e:
        raise ProgrammeError(str(e)) from e
    counts = {}
    try:
        with wb.transaction() as tx:
            with wb.sql_by(tx):  # the new werkbank's defaults replaced: recorded as by the user who imports
                tx.execute("DELETE FROM criteria")
                tx.execute("DELETE FROM kengetallen")
                cols = [c for c in TABLES["programme"].column_names if c not in ("row_version",) and c in prog]
                tx.execute("UPDATE programme SET {}".format(", ".join('"{}" = ?'.format(c) for c in cols)),
                           [_plain(prog.get(c)) for c in cols])
            for t in EXPORT_TABLES:
                if t == "programme":
                    counts[t] = 1
                    continue
                if len(frames[t]):
                    wb.write_frame(t, frames[t], mode="insert")
                counts[t] = int(len(frames[t]))
        ok = True
        if verify:
            got = werkbank_digests(wb)
            bad = [t for t in EXPORT_TABLES if man.get("tabellen", {}).get(t, {}).get("digest") not in (None, got[t])]
            if bad:
                raise ProgrammeError("Import niet verliesvrij: de inhoud van tabel(len) {} verschilt van het pakket "
                                     "({}).".format(", ".join(bad), MANIFEST))
    except Exception:
        wb.close()
        if os.path.exists(str(new_werkbank)):
            os.remove(str(new_werkbank))  # only ever the temporary file (see import_package)
        raise
    wb.close()
    return {"path": str(new_werkbank), "counts": counts, "digests_ok": ok}


def municipality_area(name, source, crs=None):
    """The polygon (EPSG:28992) of municipality ``name`` from a municipalities layer (GeoPackage path).

    The layer needs a name column ``gemeentenaam``, ``statnaam`` or ``name`` (e.g. CBS Wijk- en Buurtkaart).
    Read by the imports' reader; a layer without CRS is refused unless ``crs`` (e.g. "EPSG:28992") is given,
    as in every import (``layers.validation.to_rd``).
    """
    from ..ingest.reader import ReadError, read_vector
    from ..layers.validation import to_rd

    try:
        gdf = read_vector(str(source))
    except ReadError as e:
        raise ProgrammeError("Gemeentelaag: {}".format(e)) from e
    col = next((c for c in ("gemeentenaam", "statnaam", "name", "naam") if c in gdf.columns), None)
    if col is None:
        raise ProgrammeError("{}: geen kolom gemeentenaam/statnaam/name in de gemeentelaag.".format(source))
    hit = gdf[gdf[col].astype(str).str.strip().str.lower() == str(name).strip().lower()]
    if not len(hit):
        raise ProgrammeError("Gemeente '{}' niet gevonden in {}.".format(name, os.path.basename(str(source))))
    try:
        hit, _ = to_rd(hit, "Gemeentelaag " + os.path.basename(str(source)), crs=crs)
    except ValueError as e:
        raise ProgrammeError(str(e)) from e
    return hit.geometry.make_valid().union_all()
