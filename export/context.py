"""Everything a projectfiche, the atlas and the lists need, as plain dicts.

``gather(wb, ...)`` reads the werkbank once and returns an :class:`ExportData`
with the programme, the footer, the fiche projects (ordered by rank or by
knooppunt), the afgevallen projects and what was left out as confidential.
No QGIS here: the templates and the lists are filled from these dicts, the
QGIS layout code only adds the map.
"""

import datetime as _dt
import math
import re
from dataclasses import dataclass, field

from ..formatting import fmt_date, fmt_eur, fmt_mw, fmt_num, fmt_share, station_label  # noqa: F401 - re-exported
from ..ingest.dates import date_key
from ..knooppunten.projects import financial_text
from ..programme import visibility as V
from ..programme.facts import DISPUTED_TEXT, programme_facts, worse
from ..werkbank import enums as E
from ..werkbank.enums import balance_status_label

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
    include_confidential: bool = False
    confidential_notice: str = ""  # on the cover/first line of every output (programme.visibility)
    rank_rule: str = ""  # scoring.ranking.RANK_RULE, printed on the atlas cover
    disputes: list = field(default_factory=list)  # open disputes of the visible projects (atlas)
    facts: object = None  # programme.facts.ProgrammeFacts the numbers come from

    @property
    def all_projects(self):
        return self.projects + self.afgevallen


# ---- formatting: see pmiek_werkbank/formatting.py (fmt_num, fmt_mw, fmt_eur, fmt_date) ------------------
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def project_number(row):
    """The user's own project number: the code, else their project id (a generated uuid is no number)."""
    code = _s(row.get("code"))
    if code:
        return code
    pid = _s(row.get("project_id"))
    return "" if _UUID.match(pid) else pid


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


def _sources(wb, include_confidential=False):
    out = []
    for table in ("stations", "capacity_areas", "developments", "projects"):
        where = "" if table != "projects" or include_confidential else " AND COALESCE(confidential, 0) = 0"
        try:
            rows = wb.query('SELECT DISTINCT source FROM "{}" WHERE source IS NOT NULL{} ORDER BY source'.format(
                table, where))
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
    """``(extents, own)``: per project the bounding box (xmin, ymin, xmax, ymax) of the project and its context, and
    the projects with a geometry of their own (None: not known)."""
    try:
        import shapely  # noqa: F401
    except ImportError:
        return {}, None
    pf = wb.read_frame("projects", columns=["project_id", "knooppunt_id"], order_by=None)
    dev_ids = sorted({link["dev_id"] for ls in links_by_project.values() for link in ls})
    dev_bounds = {}
    if dev_ids:
        df = wb.read_frame_in("developments", "dev_id", dev_ids, columns=["dev_id"])
        for did, b in zip(df["dev_id"], df.geometry.bounds.values.tolist()):
            dev_bounds[did] = b
    kf = wb.read_frame("knooppunten", columns=["knooppunt_id"], order_by=None)
    k_bounds = dict(zip(kf["knooppunt_id"], kf.geometry.bounds.values.tolist()))
    p_bounds = dict(zip(pf["project_id"], pf.geometry.bounds.values.tolist()))
    out, own = {}, set()
    for p in projects:
        pid = p["project_id"]
        b = p_bounds.get(pid)
        if b is not None and not any(math.isnan(v) for v in b):
            own.add(pid)
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
    return out, own


def _province_box(programme):
    """The bounding box of the programme's province (CBS, generalised), or None."""
    from ..layers.validation import province_geometry

    geom = province_geometry((programme or {}).get("province_code") or (programme or {}).get("province"))
    return tuple(geom.bounds) if geom is not None and not geom.is_empty else None


def map_note(has_location, has_context):
    """What a fiche map of a project without a location of its own shows, said on the map (a trial: such a map
    looked like any other, its legend listing 'project'); '' for a project with a location."""
    if has_location:
        return ""
    if has_context:
        return "Geen eigen locatie: de kaart toont wat aan het project hangt (ontwikkelingen, knooppunt, station)."
    return "Geen eigen locatie en niets gekoppeld: de kaart toont de provincie."


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


def _link_mw(link):
    """The MW one link carries: ``knooppunten.balance.link_share`` (share in MW, else % of the development's
    vraag-else-aanbod, else all of it)."""
    from ..knooppunten.balance import development_mw, link_share

    nan = float("nan")

    def num(v):
        return nan if v is None else float(v)

    dev = development_mw([num(link["demand_mw"])], [num(link["supply_mw"])])
    return float(link_share([num(link["share_mw"])], [num(link["share_pct"])], dev)[0][0])


def rank_label(rank, range_text, note):
    """'rang 3 (bereik 3–4)', 'rang 2', or the reason a project has no rank ('afgevallen: geen rang'): the one text
    of a rank on the PDF fiche's title block, the HTML and web fiche (the range whenever the weights can move it)."""
    if rank:
        extra = " (bereik {})".format(range_text) if range_text and str(range_text) != str(rank) else ""
        return "rang {}{}".format(rank, extra)
    return note or ""


def _balance_for_station(station_id, facts, capacity_rows):
    """Rows for the Capaciteitsbalans section: from the balance (programme facts), else raw capacity."""
    rows = facts.station_rows(station_id) if facts is not None and facts.balance_available else []
    if rows:
        for r in rows:
            r["status_label"] = balance_status_label(r["status"], True)
            r["supply_status_label"] = balance_status_label(r["supply_status"], True)
            r["summary_status_label"] = balance_status_label(r["summary_status"], True)
        return rows, True
    rows = []
    for r in capacity_rows.get(station_id, []):
        rows.append({
            "year": r["year"], "afname_mw": r["afname_mw"], "teruglevering_mw": r["teruglevering_mw"],
            "demand_mw": None, "supply_mw": None, "balance_afname_mw": None, "balance_teruglevering_mw": None,
            "status": None, "supply_status": None, "summary_status": None, "status_label": "",
            "supply_status_label": "", "summary_status_label": "",
        })
    rows.sort(key=lambda r: r["year"])
    return rows, False


def station_status(balance_rows, key="summary_status"):
    """The worst status over the horizon years of a station ('' when unknown).

    ``key``: 'status' (afname), 'supply_status' (teruglevering) or 'summary_status' (the worse of the two).
    """
    return worse(*[(r.get(key) if key in r else r.get("status")) or "" for r in balance_rows or []])


def station_statuses(data):
    """``{station_id: status}`` of every station in the balance (fiche and web atlas maps colour stations by it):
    :func:`station_status` over that station's balance rows, the worst over the horizon years; '' (onbekend) only
    where no limit is known.  Every station, not only those a project stands at: the maps drew all other
    stations grey 'onbekend' beside a legend saying so, while their balance was known (Zeeland trial)."""
    out = {}
    facts = getattr(data, "facts", None)
    if facts is not None and facts.balance_available and len(facts.balance.stations):
        for sid in dict.fromkeys(facts.balance.stations["unit_id"].tolist()):
            out[sid] = station_status(facts.station_rows(sid))
    for p in data.all_projects:
        if p.get("station_id") and p.get("balance"):
            out[p["station_id"]] = station_status(p["balance"])
    return out


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
        if not V.is_visible(r, include_confidential):
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
    # oldest first, the latest last by the date itself: a werkbank may hold '15-01-2026' from before ingest.dates
    monitoring = _by(sorted(wb.query("SELECT * FROM monitoring"), key=lambda m: (date_key(m["peildatum"]), m["fid"])),
                     "project_id")
    criteria = {r["criterion_id"]: r for r in wb.query("SELECT * FROM criteria ORDER BY sort_order, criterion_id")}
    scores = _by(wb.query("SELECT * FROM scores ORDER BY agreed DESC, score_date DESC, fid"), "project_id")
    names = {r["project_id"]: r for r in rows}

    facts = programme_facts(wb, include_confidential=include_confidential)
    data_warnings.extend(facts.warnings)

    st_xy = _station_points(wb) if with_extents else {}
    for sid, xy in st_xy.items():
        if sid in stations:
            stations[sid]["_xy"] = xy

    for p in projects:  # a project without explicit station gets the one the balance assigns (via links)
        if not p.get("station_id") and facts.project_station(p["project_id"]):
            p["station_id"] = facts.project_station(p["project_id"])
    out = []
    for p in projects:
        out.append(_fiche(p, knooppunten, stations, capacity, links, deps, actions, monitoring, criteria, scores,
                          names, facts, programme, include_confidential))

    if with_extents:
        try:
            ext, own = _extents(wb, projects, links, stations)  # own: None when it cannot be told
            fallback = _province_box(programme) if len(ext) < len(out) else None
        except Exception as e:  # noqa: BLE001 - no geometry stack: maps fall back to the layer extent
            data_warnings.append("Kaartuitsnedes niet berekend: {}".format(e))
            ext, own, fallback = {}, None, None
        for f in out:
            # nothing to show: the province, not a fixed square somewhere in Utrecht
            f["extent"] = ext.get(f["project_id"]) or fallback
            if own is not None:
                f["map_note"] = map_note(f["project_id"] in own, f["project_id"] in ext)

    def code_key(f):
        c = f["number"] or ""
        num = "".join(ch for ch in c if ch.isdigit())
        return (int(num) if num else 10**9, c, f["name"].lower())

    def rank_key(f):
        return (f["rank"] if f["rank"] is not None else 10**9,) + code_key(f)

    if order == "knooppunt":
        out.sort(key=lambda f: ((f["knooppunt"] or "\uffff").lower(),) + rank_key(f))
    else:
        out.sort(key=rank_key)
    # no renumbering: confidential projects are never ranked (scoring.ranking.RANK_RULE), so there are no gaps
    fiche = [f for f in out if f["status"] != "afgevallen"]
    afgevallen = [f for f in out if f["status"] == "afgevallen"]
    for i, f in enumerate(fiche, 1):
        f["seq"] = i
    footer = footer_data(programme, _sources(wb, include_confidential))
    notice = V.notice(include_confidential, len(left_out))
    if include_confidential:  # every page of every fiche and of the atlas says it (programme.visibility)
        footer["line1"] = notice + " · " + footer["line1"]
    return ExportData(
        programme=programme,
        footer=footer,
        projects=fiche,
        afgevallen=afgevallen,
        confidential_left_out=left_out,
        order=order,
        ranking_available=facts.ranking_available,
        balance_available=facts.balance_available,
        warnings=data_warnings,
        include_confidential=bool(include_confidential),
        confidential_notice=notice,
        rank_rule=_rank_rule(),
        # the energyboard's open points: not about projects that fell away (they are decided)
        disputes=[dict(d, number=project_number(d)) for d in facts.disputes()
                  if (wanted is None or d["project_id"] in wanted)
                  and d["project_id"] not in {f["project_id"] for f in afgevallen}],
        facts=facts,
    )


def _rank_rule():
    from ..scoring.ranking import RANK_RULE

    return RANK_RULE


def _fiche(p, knooppunten, stations, capacity, links, deps, actions, monitoring, criteria, scores, names, facts,
           programme, include_confidential):
    pid = p["project_id"]
    kp = knooppunten.get(p.get("knooppunt_id")) or {}
    st = stations.get(p.get("station_id")) or {}
    r = facts.project(pid)
    devs = []
    sectors = []
    moved = facts.moved_by_link(pid)  # what the balance counts per link (None: no balance)
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
            "share": fmt_share(link["share_mw"], link["share_pct"]),
            # what this link counts for the project: the balance's MW (as 'Bedient … samen' sums them), else
            # what the link carries by the one rule
            "counted_mw": moved.get(str(link["dev_id"]), 0.0) if moved is not None else _link_mw(link),
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
        if other is not None and not V.is_visible(other, include_confidential):
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
    for x in sc:
        x["disputed"] = x["criterion_id"] in r["disputed"]
        x["state"] = DISPUTED_TEXT if x["disputed"] else ""
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
    bal_rows, bal_computed = _balance_for_station(p.get("station_id"), facts, capacity)
    serves = facts.serves(pid)
    mon = monitoring.get(pid, [])
    latest = mon[-1] if mon else {}
    type_label = E.label(E.TYPE_INFRA, p["type_infra"]) if p.get("type_infra") else ""
    invest = fmt_eur(p.get("investment_eur"))
    # 'investering …; dekking: …; <note>', read back by the projectenlijst import (knooppunten.projects)
    financial = dedupe(financial_text(invest, p.get("financial_cover"), _s(p.get("financial_note"))))
    planning = planning_text(p.get("ibn_year"), p.get("planning"))
    capacity_added = "; ".join(x for x in (
        fmt_mw(p.get("capacity_afname_mw")) and "afname +" + fmt_mw(p.get("capacity_afname_mw")),
        fmt_mw(p.get("capacity_teruglevering_mw")) and "teruglevering +" + fmt_mw(p.get("capacity_teruglevering_mw")),
    ) if x)
    station_text = station_label(st.get("name"), st.get("voltage_kv"))
    number = project_number(p)
    # ja / nee / niet opgegeven (empty in_ip, schema 9: never shown as "nee"), with the number in the plan if any
    in_ip_text = E.in_ip_label(p.get("in_ip"))
    if _s(p.get("ip_reference")):
        in_ip_text += " (" + _s(p.get("ip_reference")) + ")"
    general = [
        ("Projectnummer", number),
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
        ("Investeringsplan netbeheerder", in_ip_text),
    ]
    return {
        "project_id": pid,
        "code": _s(p.get("code")),
        "number": number,
        "name": _s(p.get("name")),
        "rank": r["rank"],
        "rank_range": r["range_text"],
        "rank_note": r["rank_note"],
        "rank_label": rank_label(r["rank"], r["range_text"], r["rank_note"]),
        "score": r["total"],
        "score_text": fmt_num(r["total"], 2) if r["total"] is not None else "",
        "complete": r["complete"],
        "disputed": r["disputed"],
        "missing": r["missing"],
        "incomplete_text": r["incomplete_text"],
        "status": p.get("status"),
        "status_label": E.label(E.PROJECT_STATUS, p.get("status")),
        "status_reason": _s(p.get("status_reason")),
        "status_text": status_text(p.get("status"), p.get("status_reason")),
        "confidential": bool(p.get("confidential")),
        "in_ip_text": in_ip_text,
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
        # the MW these links carry (shares applied), as 'Bedient … samen' counts them: the full MW of the
        # developments here contradicted that sentence on the same page (QGIS 3.40 desktop trial F7)
        "developments_rest_mw": fmt_mw(sum(d["counted_mw"] for d in rest)),
        "sector_counts": sector_counts,
        "dev_summary": dev_summary,
        # what the balance counts at the project's station (programme facts): the same MW as the balance dock
        "demand_total": fmt_mw(serves["demand_mw"]) if serves["demand_mw"] else "",
        "supply_total": fmt_mw(serves["supply_mw"]) if serves["supply_mw"] else "",
        "serves_from_year": serves["from_year"],
        "serves_not_counted": bool(devs) and not (serves["demand_mw"] or serves["supply_mw"]),
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
        "balance_status_label": balance_status_label(station_status(bal_rows), bal_computed and bool(bal_rows)),
        "balance_afname_status": station_status(bal_rows, "status"),
        "balance_afname_status_label": balance_status_label(station_status(bal_rows, "status"),
                                                            bal_computed and bool(bal_rows)),
        "balance_supply_status": station_status(bal_rows, "supply_status"),
        "balance_supply_status_label": balance_status_label(station_status(bal_rows, "supply_status"),
                                                            bal_computed and bool(bal_rows)),
        "serves_demand_mw": serves["demand_mw"],
        "serves_supply_mw": serves["supply_mw"],
        "serves_text": serves_text(serves),
        "monitoring": {
            "ibn_feasibility": _s(latest.get("ibn_feasibility")),
            "attention_points": _s(latest.get("attention_points")),
            "acceleration_action": _s(latest.get("acceleration_action")),
            "trekker": _s(latest.get("trekker")),
            "question_energyboard": _s(latest.get("question_energyboard")),
            "peildatum": _s(latest.get("peildatum")),
        } if latest else None,
        "extent": None,
        "map_note": "",  # what the fiche map shows for a project without a location of its own (map_note)
        "seq": None,
    }


def planning_text(ibn_year, planning):
    """'IBN 2029; <planning>' without saying a value twice (a planning text that already names IBN 2029)."""
    ibn = _s(ibn_year)
    plan = _s(planning)
    parts = []
    if ibn and not re.search(r"\bIBN\W*{}\b".format(re.escape(ibn)), plan, re.I):
        parts.append("IBN " + ibn)
    if plan:
        parts.append(plan)
    return dedupe("; ".join(parts))


def dedupe(text, sep="; "):
    """'IBN 2029; IBN 2029' -> 'IBN 2029': a value is printed once (case-insensitive, order kept)."""
    seen, out = set(), []
    for part in (x.strip() for x in str(text or "").split(sep.strip())):
        if part and part.lower() not in seen:
            seen.add(part.lower())
            out.append(part)
    return sep.join(out)


def status_text(status, reason):
    """'Opgenomen – <reason>' (the recorded decision and its reason)."""
    label = E.label(E.PROJECT_STATUS, status) if status else ""
    reason = _s(reason)
    return " – ".join(x for x in (label, reason) if x)


def serves_text(serves):
    """'bedient 300 MW vraag (vanaf 2030, station S2)' from programme.facts.ProgrammeFacts.serves()."""
    parts = []
    if serves.get("demand_mw"):
        parts.append(fmt_mw(serves["demand_mw"]) + " vraag")
    if serves.get("supply_mw"):
        parts.append(fmt_mw(serves["supply_mw"]) + " aanbod")
    if not parts:
        return ""
    when = "vanaf {}".format(serves["from_year"]) if serves.get("from_year") else ""
    return "bedient " + " en ".join(parts) + (" ({})".format(when) if when else "")
