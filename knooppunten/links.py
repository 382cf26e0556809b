"""Links between projects and the developments they enable (table ``project_links``). No QGIS.

A link has a share: in MW (``share_mw``) or in percent of the development's MW
(``share_pct``), not both; without a share the whole development counts.  A
motivation says why.  (project_id, dev_id) is unique: linking again updates.
"""

from ..ingest.errors import RowError
from ..tabular import text_or_none
from ..werkbank import new_id


class LinkError(ValueError):
    """A link that cannot be made (Dutch message)."""


def check_share(share_mw=None, share_pct=None):
    """Validated (share_mw, share_pct); LinkError in Dutch."""
    def num(v, what):
        import math

        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
            return None  # an empty cell: no share
        try:
            f = float(str(v).strip().replace(",", "."))
        except ValueError:
            raise LinkError("Aandeel {} '{}' is geen getal.".format(what, v)) from None
        if not math.isfinite(f):
            # the text 'nan' or 'inf' is not an empty cell: never "the whole development"
            raise LinkError("Aandeel {} '{}' is geen eindig getal.".format(what, v))
        return f

    mw = num(share_mw, "(MW)")
    pct = num(share_pct, "(%)")
    if mw is not None and pct is not None:
        raise LinkError("Geef het aandeel in MW of in %, niet allebei.")
    if mw is not None and mw < 0:
        raise LinkError("Aandeel {} MW is negatief.".format(mw))
    if mw is not None and mw > 10000:
        raise LinkError("Aandeel {} MW is onwaarschijnlijk groot (meer dan 10.000 MW); controleer de eenheid.".format(
            mw))
    if pct is not None and not 0 <= pct <= 100:
        raise LinkError("Aandeel {} % ligt niet tussen 0 en 100.".format(pct))
    return mw, pct


def share_problems(wb, links):
    """What the linked developments cannot carry: ``links`` are dicts (project_id, dev_id, share_mw, share_pct) about
    to be written.  Returns ``(errors, warnings)``, each a list of ``(index in links, Dutch text)``: an aandeel in MW
    above what the development has (its vraag, else its aanbod, as the balance counts it) is an error; a development
    linked for more than 100 % in total (these links plus its stored links to other projects) a warning, since the
    balance then counts every link in proportion (40 % and 99 MW of a 1,5 MW plan: 29 % and 71 %).  Fractions by the
    balance's own rule (`balance.link_share`): a development without MW carries nothing, so it is never over 100 %."""
    from ..formatting import fmt_num
    from .balance import development_mw, link_share

    devs = sorted({str(lk["dev_id"]) for lk in links if lk.get("dev_id") is not None})
    if not devs:
        return [], []
    mw_of, stored = {}, {}
    for i in range(0, len(devs), 400):
        part = devs[i:i + 400]
        marks = ", ".join("?" * len(part))
        for r in wb.query("SELECT dev_id, demand_mw, supply_mw FROM developments WHERE dev_id IN ({})".format(marks),
                          tuple(part)):
            mw_of[r["dev_id"]] = float(development_mw([_num(r["demand_mw"])], [_num(r["supply_mw"])])[0])
        for r in wb.query("SELECT project_id, dev_id, share_mw, share_pct FROM project_links WHERE dev_id IN ({})"
                          .format(marks), tuple(part)):
            stored[(r["project_id"], r["dev_id"])] = r

    def fraction(lk, dev_mw):  # the balance's rule (balance.link_share): 0 for a development without MW
        return float(link_share([_num(lk.get("share_mw"))], [_num(lk.get("share_pct"))], [dev_mw])[1][0])

    errors, warnings, total, rows = [], [], {}, {}
    for i, lk in enumerate(links):
        dev, dev_mw = lk.get("dev_id"), mw_of.get(lk.get("dev_id"))
        if dev is None or dev_mw is None:
            continue
        if lk.get("share_mw") is not None and dev_mw > 0 and lk["share_mw"] > dev_mw + 1e-9:
            errors.append((i, "aandeel {} MW is meer dan ontwikkeling '{}' heeft ({} MW)".format(
                fmt_num(lk["share_mw"], 3, trim=True), dev, fmt_num(dev_mw, 3, trim=True))))
            continue
        total[dev] = total.get(dev, 0.0) + fraction(lk, dev_mw)
        rows.setdefault(dev, []).append(i)
    new_keys = {(lk.get("project_id"), lk.get("dev_id")) for lk in links}
    for (pid, dev), r in stored.items():
        if (pid, dev) not in new_keys and dev in total:
            total[dev] += fraction(r, mw_of[dev])
    for dev, t in total.items():
        if t > 1.0 + 1e-9:
            for i in rows[dev]:
                warnings.append((i, "ontwikkeling '{}' is dan voor samen {} % aan projecten gekoppeld; de balans telt "
                                    "elke koppeling naar verhouding (samen 100 %)".format(dev, fmt_num(100 * t, 0))))
    return errors, warnings


def _num(value):
    """A stored number as float, NaN for NULL (what :func:`balance.link_share` reads as 'not given')."""
    return float("nan") if value is None else float(value)


def add_link(wb, project_id, dev_id, share_mw=None, share_pct=None, motivation=None, user=None):
    """Link (or re-link) a development to a project; returns the link_id."""
    mw, pct = check_share(share_mw, share_pct)
    if not wb.count("projects", "project_id = ?", (project_id,)):
        raise LinkError("Project '{}' bestaat niet in de werkbank.".format(project_id))
    if not wb.count("developments", "dev_id = ?", (dev_id,)):
        raise LinkError("Ontwikkeling '{}' bestaat niet in de werkbank.".format(dev_id))
    too_big, _more = share_problems(wb, [{"project_id": project_id, "dev_id": dev_id, "share_mw": mw,
                                          "share_pct": pct}])
    if too_big:
        raise LinkError("Aandeel: {}.".format(too_big[0][1]))
    rows = wb.query("SELECT link_id FROM project_links WHERE project_id = ? AND dev_id = ?", (project_id, dev_id))
    link_id = rows[0]["link_id"] if rows else new_id()
    row = {"link_id": link_id, "project_id": project_id, "dev_id": dev_id, "share_mw": mw, "share_pct": pct}
    if motivation or not rows:  # re-linking without a motivatie keeps the stored one (it was wiped)
        row["motivation"] = motivation or None
    wb.write_frame("project_links", [row], mode="upsert", user=user)
    return link_id


def add_links(wb, project_id, dev_ids, share_pct=None, share_mw=None, motivation=None, user=None):
    """Link several developments at once (one transaction); returns the number linked."""
    with wb.transaction():
        for d in dev_ids:
            add_link(wb, project_id, d, share_mw=share_mw, share_pct=share_pct, motivation=motivation, user=user)
    return len(list(dev_ids))


def remove_link(wb, project_id, dev_id):
    return wb.delete("project_links", "project_id = ? AND dev_id = ?", (project_id, dev_id))


def links_for_project(wb, project_id):
    """The developments linked to a project with share, MW and motivation (DataFrame)."""
    import pandas as pd

    rows = wb.query(
        "SELECT l.link_id, l.dev_id, d.name, d.sector, d.year_ready, d.demand_mw, d.supply_mw, l.share_mw, "
        "l.share_pct, l.motivation FROM project_links l LEFT JOIN developments d ON d.dev_id = l.dev_id "
        "WHERE l.project_id = ? ORDER BY d.year_ready, l.dev_id", (project_id,))
    df = pd.DataFrame(rows, columns=["link_id", "dev_id", "name", "sector", "year_ready", "demand_mw", "supply_mw",
                                     "share_mw", "share_pct", "motivation"])
    from .balance import link_mw

    if len(df):
        df["mw"] = link_mw(df[["dev_id", "share_mw", "share_pct"]], df[["dev_id", "demand_mw", "supply_mw"]])["mw"]
    else:
        df["mw"] = pd.Series(dtype=float)
    return df


def prepare_links(frame, project_field, dev_field, share_field=None, unit="pct", motivation_field=None,
                  projects=(), developments=(), existing=None, source="koppelingen", row_offset=0):
    """Validate a link table.

    ``projects``: a :class:`.project_refs.ProjectRefs` (a project is named by its id or its code, the one rule),
    or the known project ids; ``developments``: known ids; ``existing``: {(project_id, dev_id): link_id}.
    Returns (DataFrame for write_frame('project_links'), errors, unknown) where
    ``unknown`` lists (row, kind, id) of ids not in the werkbank.
    """
    import numpy as np
    import pandas as pd

    df = frame.reset_index(drop=True)
    if "_row" not in df.columns:
        df["_row"] = np.arange(1, len(df) + 1)
    errors, unknown = [], []
    for f in (project_field, dev_field, share_field, motivation_field):
        if f and f not in df.columns:
            errors.append("{}: veld '{}' bestaat niet in de invoer.".format(source, f))
    if unit not in ("pct", "mw"):
        errors.append("Eenheid van het aandeel '{}' onbekend; kies 'pct' of 'mw'.".format(unit))
    if errors:
        return None, errors, unknown
    from .project_refs import ProjectRefs

    if not isinstance(projects, ProjectRefs):
        projects = ProjectRefs({"project_id": p, "code": None} for p in projects)
    developments = set(developments)
    existing = dict(existing or {})
    rows, seen = [], {}
    n = len(df)

    def column(field):  # plain Python values per column: no pandas row (df.iloc) per link
        return df[field].astype(object).tolist() if field else [None] * n

    shares = column(share_field)
    unclear = [False] * n
    if share_field:  # the one number reader of the imports ('1,5', '1.234,5'; a lone '2.500' is ambiguous)
        from ..layers.validation import ambiguous_number_message, parse_numbers

        vals, _bad, amb = parse_numbers(df[share_field], ambiguous=True)
        # a number where the reader found one; else the cell as it is, for check_share to call empty (no share) or
        # name what it is ('veel', and 'nan', which is not an empty cell)
        shares = [x if x == x else v for v, x in zip(shares, vals.tolist())]
        unclear = [ambiguous_number_message(v) if a else False for v, a in zip(column(share_field), amb.tolist())]

    for rownr, pid, did, share, mot, amb in zip(df["_row"].astype(int).tolist(), column(project_field),
                                                column(dev_field), shares, column(motivation_field), unclear):
        rownr += row_offset
        pid, did = text_or_none(pid), text_or_none(did)
        ref_problem = None
        if pid is not None:
            resolved, ref_problem = projects.lookup(pid)
            if resolved is None and ref_problem is None:
                unknown.append((rownr, "project", pid))
            elif resolved is not None:
                pid = resolved  # the code of a project: its id
        key = (pid, did)

        def err(problem, field=None, rownr=rownr, key=key if pid and did and not ref_problem else None, repeats=None):
            errors.append(RowError(source, rownr, problem, None, field, key=key, repeats=repeats))

        if pid is None:
            err("project-id is leeg", project_field)
        elif ref_problem:
            err(ref_problem, project_field)
        if did is None:
            err("ontwikkeling-id is leeg", dev_field)
        elif did not in developments:
            unknown.append((rownr, "ontwikkeling", did))
        try:
            if amb:
                raise LinkError(amb)
            mw, pct = check_share(share if unit == "mw" else None, share if unit == "pct" else None)
        except LinkError as e:
            err(str(e), share_field)
            mw = pct = None
        if pid and did:
            if key in seen:
                err("koppeling {} - {} staat ook in rij {}".format(pid, did, seen[key]), repeats=seen[key])
            seen[key] = rownr
        mot = text_or_none(mot)
        rows.append({"link_id": existing.get(key) or new_id(), "project_id": pid, "dev_id": did, "share_mw": mw,
                     "share_pct": pct, "motivation": mot, "_row": rownr})
    cols = ["link_id", "project_id", "dev_id", "_row"]  # _row: the source row (a conflict names it)
    # a column the source does not carry leaves the stored values alone (never blanks share or motivation)
    if share_field:
        cols += ["share_mw", "share_pct"]
    if motivation_field:
        cols += ["motivation"]
    return pd.DataFrame(rows, columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation",
                                       "_row"])[cols], \
        errors, unknown


def validate_links(wb, frame, source, project_field=None, dev_field=None, share_field=None, unit="pct",
                   motivation_field=None, skip_unknown=False, unknown_rows=None):
    """Spec 'project_links' (validate hook of ``ingest.runner``): ids checked against the werkbank (a project by
    its id or code).  A row with an unknown id is a rejected row like any other (named, the rest written; with
    STRICT the import stops), or with ``skip_unknown`` a skipped row reported as a warning (also with STRICT).
    ``unknown_rows`` (a set, optional) gets the row numbers with an unknown id, over every round of the runner (a
    rejected row is not seen again): its size is UNKNOWN in both modes."""
    import pandas as pd

    from .project_refs import ProjectRefs

    projects = ProjectRefs.from_werkbank(wb)  # the project's id or its code (one rule)
    devs = [r["dev_id"] for r in wb.query("SELECT dev_id FROM developments")]
    existing = {(r["project_id"], r["dev_id"]): r["link_id"]
                for r in wb.query("SELECT link_id, project_id, dev_id FROM project_links")}
    rows, errors, unknown = prepare_links(frame, project_field, dev_field, share_field, unit, motivation_field,
                                          projects, devs, existing, source=source, row_offset=0)
    if unknown_rows is not None:
        unknown_rows.update(r for r, _, _ in unknown)
    msgs = [RowError(source, r, "{} '{}' bestaat niet in de werkbank{}".format(
        k, i, " (geen project-id of projectcode)" if k == "project" else "")) for r, k, i in unknown]
    if unknown and not skip_unknown:
        errors = errors + msgs
    if errors:
        return pd.DataFrame(), errors, []
    if unknown:
        bad_rows = {r for r, _, _ in unknown}
        keep = [r not in bad_rows for r in frame["_row"]]
        rows, frame = rows[keep], frame[keep]
    notes = ["waarschuwing: {} (overgeslagen)".format(m) for m in msgs]
    if share_field:  # what the developments can carry (share_problems): too big is a rejected row, > 100 % a warning
        from ..ingest.errors import RowWarning

        rownrs = frame["_row"].astype(int).tolist() if "_row" in frame.columns else list(range(1, len(rows) + 1))
        too_big, more = share_problems(wb, rows.to_dict("records"))
        if too_big:
            return pd.DataFrame(), [RowError(source, rownrs[i], text, None, share_field) for i, text in too_big], []
        notes += [RowWarning(source, rownrs[i], text, None, share_field) for i, text in more]
    return rows, [], notes
