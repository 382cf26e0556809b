"""Everything a projectfiche, the atlas and the lists need, as plain dicts.

``gather(wb, ...)`` reads the werkbank once and returns an :class:`ExportData`
with the programme, the footer, the fiche projects (ordered by rank or by
knooppunt), the afgevallen projects and what was left out as confidential.
No QGIS here: the templates and the lists are filled from these dicts, the
QGIS layout code only adds the map.
"""

import datetime as _dt
import math
from dataclasses import dataclass, field

from ..werkbank import enums as E
from . import adapters

ATTRIBUTION = "Kadaster/CBS via PDOK; © OpenStreetMap contributors (ODbL)"
ORDERS = ("rank", "knooppunt")
TOP_DEVELOPMENTS = 4  # a fiche lists the largest developments by name, the rest as one line with a count
LONG_GENERAL = 48  # general-data values longer than this get a full-width row on the fiche


@dataclass
class ExportData:
    programme: dict
    footer: dict
    projects: list  # fiche projects (status kandidaat/opgenomen), in export order
    afgevallen: list  # status afgevallen, with reason
    confidential_left_out: list = field(default_factory=list)  # names (never printed)
    order: str = "rank"
    ranking_available: bool = False
    balance_available: bool = False
    warnings: list = field(default_factory=list)
    round_diff: dict = None  # programme.rounds.atlas_section(): differences with the previous round

    @property
    def all_projects(self):
        return self.projects + self.afgevallen


# ---- formatting -------------------------------------------------------------------
def fmt_num(v, decimals=1):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    s = "{:,.{d}f}".format(float(v), d=decimals)
    s = s.replace(",", "\u2009").replace(".", ",")  # Dutch: 1 234,5
    if decimals and s.endswith("," + "0" * decimals):
        s = s[: -(decimals + 1)]
    return s


def fmt_mw(v):
    s = fmt_num(v, 1)
    return s + " MW" if s else ""


def fmt_eur(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    if abs(v) >= 1e6:
        return "€ {} mln".format(fmt_num(v / 1e6, 1))
    return "€ {}".format(fmt_num(v, 0))


def fmt_date(text):
    if not text:
        return ""
    try:
        d = _dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)
    months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december")
    return "{} {} {}".format(d.day, months[d.month - 1], d.year)


def _s(v):
    """None/NaN -> '', everything else as stripped text."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def _lines(text):
    """A free text field as paragraphs (blank-line or newline separated)."""
    t = _s(text)
    if not t:
        return []
    return [p.strip() for p in t.replace("\r\n", "\n").split("\n") if p.strip()]


def compact_bullets(paragraphs):
    """Bullet lines ('• x', '- x', '* x') joined onto the paragraph before them: 'Sectoren: a · b · c'.

    The same words, fewer lines: a fiche is meant as one A4.
    """
    out = []
    for par in paragraphs:
        bullet = par[:2] in ("• ", "- ", "* ") or par[:1] == "•"
        text = par.lstrip("•-* ").strip() if bullet else par
        if bullet and out and out[-1][1]:
            out[-1] = (out[-1][0] + (" · " if out[-1][2] else " ") + text, True, True)
        elif bullet:
            out.append((text, True, True))
        else:
            opens = par.rstrip().endswith(":") or "• " in par  # 'Sectoren: • a' starts a list inline
            out.append((par.replace(": • ", ": "), opens, "• " in par))
    return [t for t, _, _ in out]


def _assessor_text(name, role, date):
    return name + (" ({})".format(", ".join(v for v in (role, date) if v)) if role or date else "")


# ---- gathering ----------------------------------------------------------------------
def footer_data(programme, sources=()):
    name = _s(programme.get("name"))
    rnd = " ".join(x for x in (_s(programme.get("round")), _s(programme.get("version")) and "versie " + _s(programme.get("version"))) if x)
    disclaimer = _s(programme.get("disclaimer"))
    fictief = E.FICTIEF in (name + " " + disclaimer).lower() or "fictief" in (name + " " + disclaimer).lower()
    src = [s for s in sources if s]
    sources_text = "; ".join(src[:4] + (["…"] if len(src) > 4 else []))
    sources_text = (sources_text + "; " if sources_text else "") + ATTRIBUTION
    parts = [name]
    if rnd:
        parts.append(rnd)
    if programme.get("peildatum"):
        parts.append("peildatum " + fmt_date(programme.get("peildatum")))
    return {
        "programme": name,
        "province": _s(programme.get("province")),
        "round": rnd,
        "peildatum": fmt_date(programme.get("peildatum")),
        "peildatum_iso": _s(programme.get("peildatum")),
        "sources": sources_text,
        "attribution": ATTRIBUTION,
        "disclaimer": disclaimer,
        "fictief": fictief,
        "fictief_text": E.FICTIEF if fictief else "",
        "line1": " · ".join(parts) + (" · " + E.FICTIEF.upper() if fictief else ""),
        "line2": "Bronnen: " + sources_text,
        "generated": fmt_date(_dt.date.today().isoformat()),
    }


def _sources(wb):
    out = []
    for table in ("stations", "capacity_areas", "developments", "projects"):
        try:
            rows = wb.query('SELECT DISTINCT source FROM "{}" WHERE source IS NOT NULL ORDER BY source'.format(table))
        except Exception:  # noqa: BLE001
            continue
        for r in rows:
            s = _s(r["source"])
            if s and s not in out:
                out.append(s)
    return out


def _by(rows, key):
    out = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _extents(wb, projects, links_by_project, stations_by_id):
    """Per project the bounding box (xmin, ymin, xmax, ymax) of the project and its context."""
    try:
        import shapely  # noqa: F401
    except ImportError:
        return {}
    pf = wb.read_frame("projects", columns=["project_id", "knooppunt_id"], order_by=None)
    dev_ids = sorted({link["dev_id"] for ls in links_by_project.values() for link in ls})
    dev_bounds = {}
    if dev_ids:
        marks = ",".join("?" * len(dev_ids))
        df = wb.read_frame("developments", columns=["dev_id"], where="dev_id IN ({})".format(marks),
                           params=dev_ids, order_by=None)
        for did, b in zip(df["dev_id"], df.geometry.bounds.values.tolist()):
            dev_bounds[did] = b
    kf = wb.read_frame("knooppunten", columns=["knooppunt_id"], order_by=None)
    k_bounds = dict(zip(kf["knooppunt_id"], kf.geometry.bounds.values.tolist()))
    p_bounds = dict(zip(pf["project_id"], pf.geometry.bounds.values.tolist()))
    out = {}
    for p in projects:
        pid = p["project_id"]
        boxes = [p_bounds.get(pid)]
        boxes += [dev_bounds.get(link["dev_id"]) for link in links_by_project.get(pid, [])]
        if p.get("knooppunt_id"):
            boxes.append(k_bounds.get(p["knooppunt_id"]))
        st = stations_by_id.get(p.get("station_id"))
        if st and st.get("_xy"):
            x, y = st["_xy"]
            boxes.append([x, y, x, y])
        boxes = [b for b in boxes if b is not None and not any(math.isnan(v) for v in b)]
        if not boxes:
            continue
        out[pid] = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes))
    return out


def _station_points(wb):
    try:
        sf = wb.read_frame("stations", columns=["station_id"], order_by=None)
    except Exception:  # noqa: BLE001
        return {}
    out = {}
    for sid, g in zip(sf["station_id"], sf.geometry):
        if g is not None and not g.is_empty:
            out[sid] = (g.x, g.y) if g.geom_type == "Point" else (g.centroid.x, g.centroid.y)
    return out


def balance_status_label(code):
    return E.label(E.BALANCE_STATUS, code) if code else ""


def _balance_for_station(station_id, balance, capacity_rows, threshold_pct):
    """Rows for the Capaciteitsbalans section: from the balance module, else raw capacity."""
    if station_id in balance:
        rows = []
        for r in balance[station_id]:
            rows.append(dict(r, status_label=balance_status_label(r.get("status"))))
        return rows, True
    rows = []
    for r in capacity_rows.get(station_id, []):
        rows.append({
            "year": r["year"], "afname_mw": r["afname_mw"], "teruglevering_mw": r["teruglevering_mw"],
            "demand_mw": None, "supply_mw": None, "balance_afname_mw": None, "balance_teruglevering_mw": None,
            "status": None, "status_label": "",
        })
    rows.sort(key=lambda r: r["year"])
    return rows, False


def station_status(balance_rows):
    """The worst status over the horizon years of a station ('' when unknown)."""
    order = {"tekort": 3, "krap": 2, "ruim": 1}
    worst = ""
    for r in balance_rows or []:
        s = r.get("status") or ""
        if order.get(s, 0) > order.get(worst, 0):
            worst = s
    return worst


def gather(wb, include_confidential=False, order="rank", project_ids=None, with_extents=True):
    """Read the werkbank into an :class:`ExportData` (see the module docstring).

    ``project_ids`` limits the output to those projects (confidential ones still
    need ``include_confidential``).
    """
    if order not in ORDERS:
        raise ValueError("Onbekende volgorde '{}': kies rank of knooppunt.".format(order))
    programme = wb.programme()
    data_warnings = []
    rows = wb.query("SELECT * FROM projects ORDER BY fid")
    left_out = []
    projects = []
    wanted = set(project_ids) if project_ids else None
    for r in rows:
        if wanted is not None and r["project_id"] not in wanted:
            continue
        if r.get("confidential") and not include_confidential:
            left_out.append(r["name"])
            continue
        projects.append(r)

    knooppunten = {r["knooppunt_id"]: r for r in wb.query("SELECT knooppunt_id, name, karakter, description FROM knooppunten")}
    stations = {r["station_id"]: r for r in wb.query("SELECT station_id, name, netbeheerder, voltage_kv, voltage_level FROM stations")}
    capacity = _by(wb.query("SELECT station_id, year, afname_mw, teruglevering_mw FROM station_capacity ORDER BY year"), "station_id")
    links = _by(wb.query(
        "SELECT l.project_id, l.dev_id, l.share_mw, l.share_pct, l.motivation, d.name, d.sector, d.municipality,"
        " d.year_ready, d.phase, d.demand_mw, d.supply_mw, d.energy_carrier, d.units, d.unit, d.source"
        " FROM project_links l JOIN developments d ON d.dev_id = l.dev_id ORDER BY d.name"), "project_id")
    deps = _by(wb.query("SELECT * FROM project_dependencies ORDER BY fid"), "project_id")
    actions = _by(wb.query("SELECT * FROM actions ORDER BY fid"), "project_id")
    monitoring = _by(wb.query("SELECT * FROM monitoring ORDER BY peildatum, fid"), "project_id")
    criteria = {r["criterion_id"]: r for r in wb.query("SELECT * FROM criteria ORDER BY sort_order, criterion_id")}
    scores = _by(wb.query("SELECT * FROM scores ORDER BY agreed DESC, score_date DESC, fid"), "project_id")
    names = {r["project_id"]: r for r in rows}

    rank = adapters.ranking(wb)
    balance, balance_station_of = adapters.station_balance(wb)
    if not rank:
        data_warnings.append("Geen rangorde beschikbaar (scores nog niet berekend); volgorde op projectnummer.")
    if not balance:
        data_warnings.append("Capaciteitsbalans niet beschikbaar; alleen de stationscapaciteit wordt getoond.")

    st_xy = _station_points(wb) if with_extents else {}
    for sid, xy in st_xy.items():
        if sid in stations:
            stations[sid]["_xy"] = xy

    for p in projects:  # a project without explicit station gets the one the balance assigns (via links)
        if not p.get("station_id") and balance_station_of.get(p["project_id"]):
            p["station_id"] = balance_station_of[p["project_id"]]
    out = []
    for p in projects:
        out.append(_fiche(p, knooppunten, stations, capacity, links, deps, actions, monitoring, criteria, scores,
                          names, rank, balance, programme, include_confidential))

    if with_extents:
        try:
            ext = _extents(wb, projects, links, stations)
        except Exception as e:  # noqa: BLE001 - no geometry stack: maps fall back to the layer extent
            data_warnings.append("Kaartuitsnedes niet berekend: {}".format(e))
            ext = {}
        for f in out:
            f["extent"] = ext.get(f["project_id"])

    def code_key(f):
        c = f["code"] or ""
        num = "".join(ch for ch in c if ch.isdigit())
        return (int(num) if num else 10**9, c, f["name"].lower())

    def rank_key(f):
        return (f["rank"] if f["rank"] is not None else 10**9,) + code_key(f)

    if order == "knooppunt":
        out.sort(key=lambda f: ((f["knooppunt"] or "\uffff").lower(),) + rank_key(f))
    else:
        out.sort(key=rank_key)
    if rank and left_out:
        # ranks are renumbered within what is exported: a gap would betray a confidential project
        ranked = sorted((f for f in out if f["rank"] is not None), key=lambda f: f["rank"])
        for i, f in enumerate(ranked, 1):
            f["rank"] = i
    fiche = [f for f in out if f["status"] != "afgevallen"]
    afgevallen = [f for f in out if f["status"] == "afgevallen"]
    for i, f in enumerate(fiche, 1):
        f["seq"] = i
    return ExportData(
        programme=programme,
        footer=footer_data(programme, _sources(wb)),
        projects=fiche,
        afgevallen=afgevallen,
        confidential_left_out=left_out,
        order=order,
        ranking_available=bool(rank),
        balance_available=bool(balance),
        warnings=data_warnings,
    )


def _fiche(p, knooppunten, stations, capacity, links, deps, actions, monitoring, criteria, scores, names, rank,
           balance, programme, include_confidential):
    pid = p["project_id"]
    kp = knooppunten.get(p.get("knooppunt_id")) or {}
    st = stations.get(p.get("station_id")) or {}
    r = rank.get(pid) or {}
    devs = []
    sectors = []
    for link in links.get(pid, []):
        sector = E.label(E.SECTORS, link["sector"])
        if sector not in sectors:
            sectors.append(sector)
        devs.append({
            "dev_id": link["dev_id"],
            "name": _s(link["name"]) or link["dev_id"],
            "sector": sector,
            "municipality": _s(link["municipality"]),
            "phase": E.label(E.DEVELOPMENT_PHASES, link["phase"]) if link["phase"] else "",
            "year": _s(link["year_ready"]),
            "demand_mw": link["demand_mw"],
            "supply_mw": link["supply_mw"],
            "demand": fmt_mw(link["demand_mw"]),
            "supply": fmt_mw(link["supply_mw"]),
            "share": (fmt_mw(link["share_mw"]) if link["share_mw"] is not None
                      else (fmt_num(link["share_pct"], 0) + " %" if link["share_pct"] is not None else "")),
            "motivation": _s(link["motivation"]),
        })
    by_mw = sorted(devs, key=lambda d: -max(d["demand_mw"] or 0, d["supply_mw"] or 0))
    top, rest = by_mw[:TOP_DEVELOPMENTS], by_mw[TOP_DEVELOPMENTS:]
    counts = {}
    for d in devs:
        counts[d["sector"]] = counts.get(d["sector"], 0) + 1
    sector_counts = ["{} ({})".format(k, v) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
    dev_summary = [d["name"] for d in by_mw[:3]] + (["en {} andere".format(len(by_mw) - 3)] if len(by_mw) > 3 else [])
    dependencies = []
    for d in deps.get(pid, []):
        other = names.get(d.get("depends_on_project_id")) if d.get("depends_on_project_id") else None
        if other is not None and other.get("confidential") and not include_confidential:
            other_text = "vertrouwelijk project"
        elif other is not None:
            other_text = " ".join(x for x in (_s(other.get("code")), _s(other.get("name"))) if x)
        else:
            other_text = ""
        dependencies.append({
            "kind": d["kind"],
            "kind_label": E.label(E.DEPENDENCY_KINDS, d["kind"]),
            "project": other_text,
            "description": _s(d.get("description")),
        })
    for kind, col in (("pmiek", "dependencies_pmiek"), ("nmiek", "dependencies_nmiek"),
                      ("buiten_provincie", "dependencies_outside")):
        text = _s(p.get(col))
        if text and not any(text == d["description"] or text in (d["project"], d["description"]) for d in dependencies):
            dependencies.append({"kind": kind, "kind_label": E.label(E.DEPENDENCY_KINDS, kind), "project": "",
                                 "description": text})
    acts = [{
        "activity": _s(a["activity"]), "trekker": _s(a["trekker"]), "involved": _s(a["involved"]),
        "result": _s(a["result"]), "planning": _s(a["planning"]), "status": _s(a["status"]),
    } for a in actions.get(pid, [])]
    sc = []
    for s in scores.get(pid, []):
        c = criteria.get(s["criterion_id"]) or {}
        sc.append({
            "criterion_id": s["criterion_id"],
            "criterion": _s(c.get("name")) or s["criterion_id"],
            "group": E.label(E.CRITERION_GROUPS, c.get("grp")) if c.get("grp") else "",
            "rating": _s(s["rating"]),
            "rationale": _s(s["rationale"]),
            "assessor": _s(s["assessor"]),
            "assessor_role": E.label(E.ASSESSOR_ROLES, s["assessor_role"]) if s.get("assessor_role") else "",
            "date": _s(s["score_date"]),
            "agreed": bool(s.get("agreed")),
            "_order": (c.get("sort_order") or 0, s["criterion_id"]),
        })
    sc.sort(key=lambda x: (x["_order"], not x["agreed"]))
    who = {(x["assessor"], x["assessor_role"], x["date"]) for x in sc}
    single_assessor = ""
    if len(who) == 1:
        a, role, date = next(iter(who))
        single_assessor = _assessor_text(a, role, date)
    # several assessors: numbered once under the table, the rows carry the number (a compact fiche)
    assessors = []
    for x in sc:
        text = _assessor_text(x["assessor"], x["assessor_role"], x["date"])
        if text not in assessors:
            assessors.append(text)
        x["assessor_ref"] = assessors.index(text) + 1
    bal_rows, bal_computed = _balance_for_station(p.get("station_id"), balance, capacity,
                                                  programme.get("krap_threshold_pct"))
    mon = monitoring.get(pid, [])
    latest = mon[-1] if mon else {}
    type_label = E.label(E.TYPE_INFRA, p["type_infra"]) if p.get("type_infra") else ""
    invest = fmt_eur(p.get("investment_eur"))
    cover = E.label(E.FINANCIAL_COVER, p["financial_cover"]) if p.get("financial_cover") else ""
    note = _s(p.get("financial_note"))
    financial = "; ".join(x for x in (invest and "investering " + invest, cover and "dekking: " + cover.lower(),
                                      note) if x)
    ibn = _s(p.get("ibn_year"))
    planning = "; ".join(x for x in (ibn and "IBN " + ibn, _s(p.get("planning"))) if x)
    capacity_added = "; ".join(x for x in (
        fmt_mw(p.get("capacity_afname_mw")) and "afname +" + fmt_mw(p.get("capacity_afname_mw")),
        fmt_mw(p.get("capacity_teruglevering_mw")) and "teruglevering +" + fmt_mw(p.get("capacity_teruglevering_mw")),
    ) if x)
    station_text = " ".join(x for x in (_s(st.get("name")), st.get("voltage_kv") and "({} kV)".format(fmt_num(st.get("voltage_kv"), 0))) if x)
    general = [
        ("Projectnummer", _s(p.get("code"))),
        ("Locatie", _s(p.get("location_description"))),
        ("Gemeente(n)", _s(p.get("municipalities"))),
        ("Type infra", type_label),
        ("Energiedrager", E.label(E.ENERGY_CARRIERS, p["energy_carrier"]) if p.get("energy_carrier") else ""),
        ("Netbeheerder", _s(p.get("netbeheerder"))),
        ("Fase", E.label(E.PROJECT_PHASES, p["phase"]) if p.get("phase") else ""),
        ("IBN en planning", planning),
        ("Financiën", financial),
        ("Betrokken partijen en rol", _s(p.get("parties"))),
        ("Bevoegd gezag", _s(p.get("bevoegd_gezag"))),
        ("Station", station_text),
        ("Extra capaciteit", capacity_added),
        ("Route", E.label(E.ROUTES, p["route"]) if p.get("route") else ""),
        ("Investeringsplan", ("ja" + (" (" + _s(p.get("ip_reference")) + ")" if p.get("ip_reference") else ""))
         if p.get("in_ip") else "nee"),
    ]
    return {
        "project_id": pid,
        "code": _s(p.get("code")),
        "name": _s(p.get("name")),
        "rank": r.get("rank"),
        "score": r.get("score"),
        "score_text": fmt_num(r.get("score"), 2) if r.get("score") is not None else "",
        "status": p.get("status"),
        "status_label": E.label(E.PROJECT_STATUS, p.get("status")),
        "status_reason": _s(p.get("status_reason")),
        "confidential": bool(p.get("confidential")),
        "location": _s(p.get("location_description")),
        "municipalities": _s(p.get("municipalities")),
        "type_infra": p.get("type_infra"),
        "type_infra_label": type_label,
        "energy_carrier_label": E.label(E.ENERGY_CARRIERS, p["energy_carrier"]) if p.get("energy_carrier") else "",
        "netbeheerder": _s(p.get("netbeheerder")),
        "phase_label": E.label(E.PROJECT_PHASES, p["phase"]) if p.get("phase") else "",
        "ibn_year": p.get("ibn_year"),
        "planning": planning,
        "investment": invest,
        "financial": financial,
        "parties": _s(p.get("parties")),
        "general": [(k, v) for k, v in general if v],
        "general_short": [(k, v) for k, v in general if v and len(v) <= LONG_GENERAL],
        "general_long": [(k, v) for k, v in general if v and len(v) > LONG_GENERAL],
        "narrative": _lines(p.get("narrative")),
        "narrative_compact": compact_bullets(_lines(p.get("narrative"))),
        "reason": _lines(p.get("reason_inclusion")),
        "phase_developments": _lines(p.get("phase_developments")),
        "developments": devs,
        "developments_top": top,
        "developments_rest": rest,
        "developments_rest_mw": fmt_mw(sum(max(d["demand_mw"] or 0, d["supply_mw"] or 0) for d in rest)),
        "sector_counts": sector_counts,
        "dev_summary": dev_summary,
        "demand_total": fmt_mw(sum(d["demand_mw"] or 0 for d in devs)) if any(d["demand_mw"] for d in devs) else "",
        "supply_total": fmt_mw(sum(d["supply_mw"] or 0 for d in devs)) if any(d["supply_mw"] for d in devs) else "",
        "sectors": sectors,
        "dependencies": dependencies,
        "actions": acts,
        "scores": sc,
        "single_assessor": single_assessor,
        "assessors": assessors,
        "station_id": p.get("station_id"),
        "station": station_text,
        "station_netbeheerder": _s(st.get("netbeheerder")),
        "knooppunt_id": p.get("knooppunt_id"),
        "knooppunt": _s(kp.get("name")),
        "balance": bal_rows,
        "balance_computed": bal_computed,
        "balance_status": station_status(bal_rows),
        "balance_status_label": balance_status_label(station_status(bal_rows)),
        "monitoring": {
            "ibn_feasibility": _s(latest.get("ibn_feasibility")),
            "attention_points": _s(latest.get("attention_points")),
            "acceleration_action": _s(latest.get("acceleration_action")),
            "trekker": _s(latest.get("trekker")),
            "question_energyboard": _s(latest.get("question_energyboard")),
            "peildatum": _s(latest.get("peildatum")),
        } if latest else None,
        "extent": None,
        "seq": None,
    }
