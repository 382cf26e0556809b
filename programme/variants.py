"""Ontwikkelvarianten: named sets of projects with scenario assumptions on the developments.

A variant (tables ``variants`` + ``variant_projects``) switches its projects on
and all other projects off, and applies its scenario to the developments.  It
is evaluated on an in-memory copy of the werkbank (SQLite backup API, the
werkbank itself is never changed):

- projects not in the variant are removed (with their links and scores);
  projects in the variant get status ``opgenomen``;
- the assumptions (JSON) change the developments:

  ``demand_factor``: a number, or ``{sector: number, "*": number}`` – demand_mw × factor;
  ``supply_factor``: idem for supply_mw;
  ``year_shift``: whole years, a number or ``{sector: years, "*": years}`` – year_ready + shift
  (kept within 1990–2100);
  ``note``: free text.

Then the capacity balance and the ranking run on the copy (through
:func:`.facts.programme_facts`, the same computation as every other output;
confidential projects are left out of names, totals and investment unless
``include_confidential``).  :func:`compare_variants` puts the variants side by side.
"""

import json
import sqlite3

from ..werkbank import enums as E
from ..werkbank import new_id
from .errors import ProgrammeError

MAX_VARIANTS = 4
ASSUMPTION_KEYS = ("demand_factor", "supply_factor", "year_shift", "note")
COMPARISON_COLUMNS = [
    "variant", "jaar", "eenheden_tekort", "mw_tekort", "eenheden_krap", "eerste_tekortjaren", "aantal_projecten",
    "punten_totaal", "investering_eur", "projecten",
]


# ---- assumptions ---------------------------------------------------------------------
def parse_assumptions(value, where="aannames"):
    """Validate assumptions (dict or JSON text) -> dict; Dutch ProgrammeError on problems."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as e:
            raise ProgrammeError("{}: geen geldige JSON ({}).".format(where, e)) from e
    if not isinstance(value, dict):
        raise ProgrammeError("{}: verwacht een JSON-object, bijv. {{\"demand_factor\": {{\"wonen\": 1.2}}}}.".format(where))
    bad = [k for k in value if k not in ASSUMPTION_KEYS]
    if bad:
        raise ProgrammeError("{}: onbekende sleutel(s) {}; gebruik {}.".format(
            where, ", ".join(bad), ", ".join(ASSUMPTION_KEYS)))
    out = {}
    for key in ("demand_factor", "supply_factor", "year_shift"):
        if key not in value or value[key] is None:
            continue
        v = value[key]
        per = v if isinstance(v, dict) else {"*": v}
        clean = {}
        for sector, num in per.items():
            if sector != "*" and sector not in E.SECTORS:
                raise ProgrammeError("{}, '{}': onbekende sector '{}'; kies uit {} of '*'.".format(
                    where, key, sector, ", ".join(E.SECTORS)))
            try:
                n = float(str(num).replace(",", "."))
            except ValueError:
                raise ProgrammeError("{}, '{}', sector {}: '{}' is geen getal.".format(where, key, sector, num)) from None
            if key == "year_shift":
                if n != int(n):
                    raise ProgrammeError("{}, 'year_shift', sector {}: {} is geen heel aantal jaren.".format(
                        where, sector, num))
                n = int(n)
            elif n < 0:
                raise ProgrammeError("{}, '{}', sector {}: factor {} is negatief.".format(where, key, sector, num))
            clean[sector] = n
        out[key] = clean
    if value.get("note"):
        out["note"] = str(value["note"])
    return out


# ---- definition ------------------------------------------------------------------------
def list_variants(wb):
    """Variants as a list of dicts: variant_id, name, description, assumptions (dict), projects (list)."""
    rows = wb.query("SELECT variant_id, name, description, assumptions, sort_order FROM variants"
                    " ORDER BY sort_order, name")
    links = wb.query("SELECT variant_id, project_id FROM variant_projects ORDER BY project_id")
    out = []
    for r in rows:
        r = dict(r)
        r["assumptions"] = parse_assumptions(r["assumptions"], "variant {}".format(r["name"]))
        r["projects"] = [x["project_id"] for x in links if x["variant_id"] == r["variant_id"]]
        out.append(r)
    return out


def get_variant(wb, name_or_id):
    key = str(name_or_id).strip()
    for v in list_variants(wb):
        if key in (v["variant_id"], v["name"]) or v["name"].lower() == key.lower():
            return v
    names = ", ".join(v["name"] for v in list_variants(wb)) or "(geen)"
    raise ProgrammeError("Onbekende ontwikkelvariant '{}'; bekend: {}.".format(key, names))


def _project_ids(wb, projects):
    """Project ids or codes -> project ids (:mod:`..knooppunten.project_refs`, the one rule); Dutch error naming
    the unknown ones and those that mean more than one project."""
    from ..knooppunten.project_refs import ProjectRefs

    refs = ProjectRefs.from_werkbank(wb)
    out, unknown, ambiguous = [], [], []
    for p in projects or []:
        p = str(p).strip()
        if not p:
            continue
        pid, problem = refs.lookup(p)
        if problem:
            ambiguous.append(problem)
        elif pid is None:
            unknown.append(p)
        elif pid not in out:
            out.append(pid)
    if ambiguous:
        raise ProgrammeError("Variant: {}.".format("; ".join(ambiguous)))
    if unknown:
        raise ProgrammeError("Onbekende project(en) in de variant: {}.".format(", ".join(unknown)))
    return out


def define_variant(wb, name, projects, assumptions=None, description=None, user=None):
    """Create or replace variant ``name`` with ``projects`` (ids or codes); returns the variant_id."""
    if not name or not str(name).strip():
        raise ProgrammeError("Geef de ontwikkelvariant een naam (NAME).")
    name = str(name).strip()
    ass = parse_assumptions(assumptions, "variant {}".format(name))
    pids = _project_ids(wb, projects)
    existing = wb.query("SELECT variant_id, sort_order FROM variants WHERE name = ?", (name,))
    if existing:
        vid, order = existing[0]["variant_id"], existing[0]["sort_order"]
    else:
        n = wb.count("variants")
        if n >= MAX_VARIANTS:
            raise ProgrammeError("Er zijn al {} ontwikkelvarianten; vergelijk er hooguit {} tegelijk. "
                                 "Verwijder eerst een variant.".format(n, MAX_VARIANTS))
        vid, order = new_id(), n + 1
    with wb.transaction() as tx:
        wb.write_frame("variants", [{
            "variant_id": vid, "name": name, "description": description,
            "assumptions": json.dumps(ass, ensure_ascii=False, sort_keys=True) if ass else None, "sort_order": order,
        }], mode="upsert", user=user)
        with wb.sql_by(tx, user):  # no single key: plain SQL, recorded by the audit triggers as by the user
            tx.execute("DELETE FROM variant_projects WHERE variant_id = ?", (vid,))
            tx.executemany("INSERT INTO variant_projects (variant_id, project_id) VALUES (?, ?)",
                           [(vid, p) for p in pids])
    return vid


def delete_variant(wb, name_or_id, user=None):
    v = get_variant(wb, name_or_id)
    # the API's delete: audited by the user (its project list goes with it, recorded by the triggers as by the user)
    wb.delete("variants", "variant_id = ?", (v["variant_id"],), user=user)


# ---- evaluation --------------------------------------------------------------------------
def _memory_copy(wb, label):
    from ..werkbank.storage import GeopackageWerkbank

    if getattr(wb, "backend", None) != "gpkg":
        raise ProgrammeError("Ontwikkelvarianten doorrekenen kan (nog) alleen met een GeoPackage-werkbank.")
    dst = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    wb.conn.backup(dst)
    dst.execute("PRAGMA foreign_keys = ON")
    return GeopackageWerkbank("variant {}".format(label), dst)


def _case(col, per, op):
    """SQL expression applying per-sector factor/shift to ``col``."""
    default = per.get("*")
    parts = ["WHEN sector = '{}' THEN {}".format(s.replace("'", "''"), op(col, v)) for s, v in per.items() if s != "*"]
    other = op(col, default) if default is not None else col
    if not parts:
        return other
    return "CASE {} ELSE {} END".format(" ".join(parts), other)


def apply_variant(wb, variant):
    """An in-memory copy of ``wb`` with the variant applied (see module doc)."""
    copy = _memory_copy(wb, variant["name"])
    pids = list(variant["projects"])
    ass = variant.get("assumptions") or {}
    with copy.transaction() as tx:
        marks = ",".join("?" * len(pids))
        if pids:
            tx.execute("DELETE FROM projects WHERE project_id NOT IN ({})".format(marks), pids)
            tx.execute("UPDATE projects SET status = 'opgenomen' WHERE project_id IN ({})".format(marks), pids)
        else:
            tx.execute("DELETE FROM projects")
        sets = []
        if ass.get("demand_factor"):
            sets.append("demand_mw = " + _case("demand_mw", ass["demand_factor"], lambda c, v: "{} * {!r}".format(c, float(v))))
        if ass.get("supply_factor"):
            sets.append("supply_mw = " + _case("supply_mw", ass["supply_factor"], lambda c, v: "{} * {!r}".format(c, float(v))))
        if ass.get("year_shift"):
            sets.append("year_ready = " + _case(
                "year_ready", ass["year_shift"], lambda c, v: "MIN(2100, MAX(1990, {} + {}))".format(c, int(v))))
        if sets:
            tx.execute("UPDATE developments SET " + ", ".join(sets))
    return copy


def evaluate_variant(wb, variant, years, include_confidential=False):
    """{"variant", "balance" (DataFrame), "ranking" (DataFrame), "projects" (DataFrame)} for one variant."""
    if isinstance(variant, str):
        variant = get_variant(wb, variant)
    from .facts import programme_facts
    from .visibility import visible_projects

    copy = apply_variant(wb, variant)
    try:
        facts = programme_facts(copy, include_confidential=include_confidential, random_runs=0, years=years)
        if facts.warnings:
            raise ProgrammeError("Variant '{}': {}".format(variant["name"], " ".join(facts.warnings)))
        bal = facts.balance.stations
        rank = facts.ranking
        projects = copy.read_frame("projects", columns=["project_id", "code", "name", "investment_eur", "station_id",
                                                        "ibn_year", "capacity_afname_mw", "confidential"],
                                  geometry=False)
        projects = visible_projects(projects, include_confidential).drop(columns=["confidential"])
    finally:
        copy.close()
    return {"variant": variant, "balance": bal, "ranking": rank, "projects": projects}


def compare_variants(wb, variants=None, years=None, include_confidential=False):
    """Variants side by side: (table, results).

    ``table``: DataFrame with :data:`COMPARISON_COLUMNS`, one row per variant and
    year: units with tekort, MW short (Σ −balance over units in tekort), units
    krap, the first shortage year per unit ("S1 2030; S2 2035"), number of
    projects, total points (Σ of the projects' totals), investment (Σ EUR),
    project codes.  ``results``: {variant name: :func:`evaluate_variant` result}.
    """
    import pandas as pd

    years = sorted({int(y) for y in (years or wb.horizon_years())})
    if variants is None or (isinstance(variants, (list, tuple)) and not variants):
        chosen = list_variants(wb)
    else:
        chosen = [v if isinstance(v, dict) else get_variant(wb, v) for v in variants]
    if not chosen:
        raise ProgrammeError("De werkbank heeft nog geen ontwikkelvarianten; definieer er eerst 2 tot 4.")
    rows, results = [], {}
    for v in chosen:
        res = evaluate_variant(wb, v, years, include_confidential)
        results[v["name"]] = res
        bal, rank, prj = res["balance"], res["ranking"], res["projects"]
        short = bal[bal["status"] == "tekort"]
        firsts = short.groupby("unit_id")["year"].min().sort_index()
        unit_names = dict(zip(bal["unit_id"], bal["unit_name"]))
        first_text = "; ".join("{} {}".format(unit_names.get(u) or u, int(y)) for u, y in firsts.items())
        total = float(pd.to_numeric(rank["total"], errors="coerce").fillna(0).sum()) if len(rank) else 0.0
        invest = float(pd.to_numeric(prj["investment_eur"], errors="coerce").fillna(0).sum()) if len(prj) else 0.0
        labels = sorted((c if isinstance(c, str) and c else p) for c, p in zip(prj["code"], prj["project_id"]))
        for y in years:
            by = bal[bal["year"] == y]
            sy = by[by["status"] == "tekort"]
            rows.append({
                "variant": v["name"], "jaar": y,
                "eenheden_tekort": int(len(sy)),
                "mw_tekort": round(float(-sy["balance_mw"].sum()), 6) if len(sy) else 0.0,
                "eenheden_krap": int((by["status"] == "krap").sum()),
                "eerste_tekortjaren": first_text,
                "aantal_projecten": int(len(prj)),
                "punten_totaal": round(total, 6),
                "investering_eur": invest,
                "projecten": ", ".join(labels),
            })
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS), results


def wide_table(table):
    """The comparison pivoted: one column per variant, one row per measure (for a dock or a report)."""
    import pandas as pd

    out = []
    variants = list(dict.fromkeys(table["variant"]))
    for y in sorted(set(table["jaar"])):
        for col, label in (("eenheden_tekort", "eenheden met tekort"), ("mw_tekort", "MW tekort"),
                           ("eenheden_krap", "eenheden krap")):
            row = {"maatstaf": "{} {}".format(label, y)}
            for v in variants:
                row[v] = table[(table["variant"] == v) & (table["jaar"] == y)][col].iloc[0]
            out.append(row)
    for col, label in (("eerste_tekortjaren", "eerste tekortjaar per eenheid"), ("aantal_projecten", "aantal projecten"),
                       ("punten_totaal", "punten (totaal)"), ("investering_eur", "investering (EUR)"),
                       ("projecten", "projecten")):
        row = {"maatstaf": label}
        for v in variants:
            row[v] = table[table["variant"] == v][col].iloc[0]
        out.append(row)
    return pd.DataFrame(out, columns=["maatstaf"] + variants)


def variant_map_frame(wb, results):
    """GeoDataFrame (EPSG:28992) for a map: one point per station × year × variant with the balance status (written
    'onbekend' where the station limit is not known, capacity and balance then empty)."""
    import geopandas as gpd
    import pandas as pd

    stations = wb.read_frame("stations", columns=["station_id"])
    geo = dict(zip(stations["station_id"], stations.geometry))
    frames = []
    from ..knooppunten.balance import UNKNOWN_STATUS_TEXT, blank_unknown_limits

    for name, res in results.items():
        # as the balance layer shows it: no 0 MW stand-in as a capacity where none is known, status 'onbekend'
        b = blank_unknown_limits(res["balance"], UNKNOWN_STATUS_TEXT)
        b = b.copy() if b is res["balance"] else b
        b.insert(0, "variant", name)
        frames.append(b)
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["variant"])
    geoms = [geo.get(u) for u in df.get("unit_id", [])]
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs="EPSG:{}".format(wb.srid))
    return gdf[gdf.geometry.notna()].reset_index(drop=True)
