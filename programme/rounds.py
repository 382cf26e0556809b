"""Programme rounds: freeze a round, start the next one, compare two rounds.

A frozen round is a copy of the werkbank GeoPackage made with SQLite's online
backup API (consistent even while the werkbank is open elsewhere), stored in a
``rounds/`` folder next to the werkbank (or a chosen folder).  In the copy the
programme row gets ``round`` (label), ``version`` (date) and ``frozen``; every
table gets triggers that refuse writing with a Dutch message, and the file is
made read-only.  The live werkbank records the round in its ``rounds`` table.

``compare_rounds(old, new)`` gives the difference report (one DataFrame with
Dutch columns, see :data:`REPORT_COLUMNS`), written to XLSX or CSV by
:func:`write_report`, and rows for an atlas section by :func:`atlas_section`.
"""

import datetime as _dt
import hashlib
import os
import re
import sqlite3
import stat

from ..ingest.dates import date_problem, parse_date
from ..werkbank import enums as E
from ..werkbank import new_id, now_iso, open_werkbank
from ..werkbank.storage import current_user
from .errors import FrozenRoundError, ProgrammeError

FROZEN_TRIGGER_PREFIX = "pmiek_bevroren_"
FROZEN_MESSAGE = (
    "Deze werkbank is een bevroren ronde ({label}, {date}) en is alleen-lezen: wijzigen kan niet. "
    "Start een nieuwe ronde (pmiek:startround of 'Volgende ronde starten') om verder te werken."
)

REPORT_COLUMNS = ["onderdeel", "wijziging", "id", "code", "naam", "veld", "oud", "nieuw", "toelichting"]
PROJECT_FIELDS = (
    ("phase", "fase"),
    ("ibn_year", "IBN-jaar"),
    ("investment_eur", "investering (EUR)"),
    ("status", "status"),
    ("in_ip", "investeringsplan netbeheerder"),
)
# how a compared value is written in the report when not as stored: in_ip as ja / nee / niet opgegeven, so
# "niet opgegeven" -> "nee" (an empty in_ip given as 0 in the new round) is a change the report names
SHOWN = {"in_ip": E.in_ip_label}
DEVELOPMENT_FIELDS = (
    ("demand_mw", "vraag (MW)"),
    ("supply_mw", "aanbod (MW)"),
    ("year_ready", "jaar gereed"),
)
MONITORING_FIELDS = (
    ("peildatum", "peildatum"),
    ("ibn_feasibility", "haalbaarheid IBN"),
    ("attention_points", "aandachtspunten"),
    ("acceleration_action", "versnellingsactie"),
    ("trekker", "trekker"),
    ("question_energyboard", "vraag aan energyboard"),
)
CAPACITY_FIELDS = (
    ("afname_mw", "afnamecapaciteit (MW)"),
    ("teruglevering_mw", "terugleveringscapaciteit (MW)"),
)
SECTION_LABELS = {
    "project": "Projecten",
    "ontwikkeling": "Ontwikkelingen",
    "capaciteit": "Netcapaciteit per station",
    "monitoring": "Monitoring",
    "actie": "Acties",
}


def _slug(text):
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text).strip()).strip("_")
    return s or "ronde"


def _date(value):
    if value is None or value == "":
        return _dt.date.today().isoformat()
    try:
        return parse_date(value)
    except ValueError:
        raise ProgrammeError(date_problem(value) + ".") from None


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup_copy(src_path, dst_path):
    """Copy a GeoPackage with SQLite's online backup API (consistent while in use)."""
    src = sqlite3.connect("file:{}?mode=ro".format(os.path.abspath(src_path)), uri=True)
    dst = sqlite3.connect(dst_path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _user_tables(conn):
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rtree_%'"
    )]


def _add_frozen_triggers(conn, label, date):
    msg = FROZEN_MESSAGE.format(label=label, date=date).replace("'", "''")
    for t in _user_tables(conn):
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                'CREATE TRIGGER "{p}{t}_{o}" BEFORE {op} ON "{t}" BEGIN SELECT RAISE(ABORT, \'{m}\'); END'.format(
                    p=FROZEN_TRIGGER_PREFIX, t=t, o=op.lower(), op=op, m=msg)
            )


def _drop_frozen_triggers(conn):
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE ?", (FROZEN_TRIGGER_PREFIX + "%",))]
    for n in names:
        conn.execute('DROP TRIGGER "{}"'.format(n))


def is_frozen(path):
    """(True, label, date) when the GeoPackage is a frozen round, else (False, None, None)."""
    conn = sqlite3.connect("file:{}?mode=ro".format(os.path.abspath(path)), uri=True)
    try:
        n = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='trigger' AND name LIKE ?",
                         (FROZEN_TRIGGER_PREFIX + "%",)).fetchone()[0]
        if not n:
            return False, None, None
        cols = [r[1] for r in conn.execute("PRAGMA table_info(programme)")]
        if "frozen" in cols:
            row = conn.execute("SELECT round, frozen FROM programme ORDER BY fid LIMIT 1").fetchone()
            if row:
                return True, row[0], row[1]
        return True, None, None
    finally:
        conn.close()


def check_writable(path):
    """Raise :class:`FrozenRoundError` (Dutch) when ``path`` is a frozen round."""
    frozen, label, date = is_frozen(path)
    if frozen:
        raise FrozenRoundError("{}: {}".format(os.path.basename(str(path)), FROZEN_MESSAGE.format(label=label, date=date)))


def freeze_round(wb_path, label, date=None, target_folder=None, note=None, user=None):
    """Freeze the werkbank at ``wb_path`` as round ``label``; returns the snapshot path.

    The snapshot is ``<target_folder or <werkbank folder>/rounds>/<werkbank>_<label>_<date>.gpkg``.
    Refuses an empty label, an existing snapshot file and freezing a frozen round.
    """
    wb_path = str(wb_path)
    if not label or not str(label).strip():
        raise ProgrammeError("Geef de ronde een naam (LABEL), bijv. 'pMIEK 2.0'.")
    label = str(label).strip()
    date = _date(date)
    if not os.path.isfile(wb_path):
        raise ProgrammeError("{}: werkbank niet gevonden.".format(wb_path))
    check_writable(wb_path)
    # migrate (and check) the live werkbank first, so the snapshot has the newest schema
    wb = open_werkbank(wb_path)
    wb.close()
    folder = str(target_folder) if target_folder else os.path.join(os.path.dirname(os.path.abspath(wb_path)), "rounds")
    os.makedirs(folder, exist_ok=True)
    base = os.path.splitext(os.path.basename(wb_path))[0]
    snap = os.path.join(folder, "{}_{}_{}.gpkg".format(base, _slug(label), date))
    if os.path.exists(snap) and not _remove_unregistered_snapshot(wb_path, snap):
        raise ProgrammeError("{}: deze ronde bestaat al (zelfde naam en datum); kies een andere naam.".format(snap))
    who = user or current_user()
    ts = now_iso()
    round_id = new_id()
    from ..werkbank.atomic import atomic_path, discard

    # built beside the snapshot (hidden, named after this process) and swapped in complete: a kill or a full
    # disk leaves no half snapshot, and the next write into the folder removes a killed run's temporary file
    with atomic_path(snap) as tmp:
        try:
            backup_copy(wb_path, tmp)
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("BEGIN")
                conn.execute(
                    "UPDATE programme SET round = ?, version = ?, frozen = ?, modified = ?, modified_by = ?,"
                    " row_version = row_version + 1",
                    (label, date, date, ts, who),
                )
                rel = os.path.basename(snap)
                conn.execute(
                    "INSERT INTO rounds (round_id, label, round_date, snapshot, sha256, frozen_at, frozen_by, note)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (round_id, label, date, rel, None, ts, who, note),
                )
                _add_frozen_triggers(conn, label, date)
                conn.execute("COMMIT")
                conn.execute("VACUUM")
            finally:
                conn.close()
        finally:
            for f in (tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                discard(f)
    os.chmod(snap, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    digest = sha256_file(snap)
    live_dir = os.path.dirname(os.path.abspath(wb_path))
    try:
        rel = os.path.relpath(snap, live_dir)
    except ValueError:  # other drive (Windows)
        rel = os.path.abspath(snap)
    wb = open_werkbank(wb_path)
    try:
        wb.write_frame("rounds", [{
            "round_id": round_id, "label": label, "round_date": date, "snapshot": rel, "sha256": digest,
            "frozen_at": ts, "frozen_by": who, "note": note,
        }], mode="insert", user=who)
    finally:
        wb.close()
    return snap


def _remove_unregistered_snapshot(wb_path, snap):
    """A snapshot file the live werkbank does not know (a freeze killed after the copy, before registering it)
    is removed so the round can be frozen again; True when removed.  A registered snapshot is never touched."""
    try:
        frozen, _label, _date = is_frozen(snap)
        conn = sqlite3.connect("file:{}?mode=ro".format(os.path.abspath(snap)), uri=True)
        try:
            ids = [r[0] for r in conn.execute("SELECT round_id FROM rounds")]
        finally:
            conn.close()
        live = sqlite3.connect("file:{}?mode=ro".format(os.path.abspath(wb_path)), uri=True)
        try:
            known = {r[0] for r in live.execute("SELECT round_id FROM rounds")}
            rels = {os.path.basename(str(r[0])) for r in live.execute("SELECT snapshot FROM rounds")}
        finally:
            live.close()
    except sqlite3.Error:
        return False
    if not frozen or os.path.basename(snap) in rels or not ids or set(ids) <= known:
        return False
    os.chmod(snap, stat.S_IRUSR | stat.S_IWUSR)
    os.remove(snap)
    return True


def list_rounds(wb):
    """The rounds recorded in the werkbank (DataFrame, oldest first)."""
    df = wb.read_frame("rounds")
    return df.sort_values(["round_date", "frozen_at"], kind="mergesort").reset_index(drop=True)


def round_path(wb_path, snapshot):
    """Absolute path of a recorded snapshot (relative to the werkbank's folder)."""
    if os.path.isabs(snapshot):
        return snapshot
    return os.path.join(os.path.dirname(os.path.abspath(str(wb_path))), snapshot)


def start_next_round(frozen_path, new_path, label, peildatum=None, overwrite=False):
    """A new, writable werkbank ``new_path`` continuing from the frozen round; returns ``new_path``."""
    frozen_path, new_path = str(frozen_path), str(new_path)
    if not label or not str(label).strip():
        raise ProgrammeError("Geef de nieuwe ronde een naam (LABEL), bijv. 'pMIEK 3.0'.")
    if not os.path.isfile(frozen_path):
        raise ProgrammeError("{}: bevroren ronde niet gevonden.".format(frozen_path))
    if not new_path.lower().endswith(".gpkg"):
        raise ProgrammeError("{}: een werkbank is een GeoPackage; gebruik de extensie .gpkg.".format(new_path))
    if os.path.abspath(frozen_path) == os.path.abspath(new_path):
        raise ProgrammeError("De nieuwe ronde moet een ander bestand zijn dan de bevroren ronde.")
    if os.path.exists(new_path) and not overwrite:
        raise ProgrammeError("{}: het bestand bestaat al; kies een andere naam.".format(new_path))
    tmp = new_path + ".tmp"
    try:
        backup_copy(frozen_path, tmp)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("BEGIN")
            _drop_frozen_triggers(conn)
            sets = "round = ?, version = NULL, frozen = NULL, modified = ?, modified_by = ?, row_version = row_version + 1"
            params = [str(label).strip(), now_iso(), current_user()]
            if peildatum:
                sets += ", peildatum = ?"
                params.append(_date(peildatum))
            conn.execute("UPDATE programme SET " + sets, params)
            conn.execute("COMMIT")
        finally:
            conn.close()
        os.replace(tmp, new_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    open_werkbank(new_path).close()  # migrate when the frozen round had an older schema
    return new_path


# ---- difference report -----------------------------------------------------------------
def _open(src):
    """(werkbank, close?) for a path or an open werkbank."""
    if hasattr(src, "read_frame"):
        return src, False
    return open_werkbank(str(src), readonly=True), True


def _norm(v):
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, str):
        v = v.strip()
        return v or None
    item = getattr(v, "item", None)
    if item is not None:
        v = item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _differs(a, b):
    a, b = _norm(a), _norm(b)
    if a is None or b is None:
        return not (a is None and b is None)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) > 1e-9 * max(1.0, abs(float(a)))
    return str(a) != str(b)


def _label(wb):
    p = wb.programme()
    return " ".join(str(x) for x in (p.get("round"), p.get("version")) if x) or wb.describe()


class RoundComparison:
    """The difference report between two rounds.

    ``rows``: DataFrame with :data:`REPORT_COLUMNS`, ordered by section
    (project, ontwikkeling, monitoring, actie), then id and field;
    ``old_label``/``new_label``; :meth:`section`, :meth:`summary`.
    """

    def __init__(self, rows, old_label, new_label, confidential=()):
        self.rows = rows
        self.old_label = old_label
        self.new_label = new_label
        self.confidential = set(confidential)

    def section(self, name, include_confidential=True):
        rows = self.visible_rows(include_confidential)
        return rows[rows["onderdeel"] == name].reset_index(drop=True)

    def visible_rows(self, include_confidential=False):
        """The rows an output may show: project, monitoring and action rows of confidential projects (in either
        round) only with ``include_confidential`` (programme.visibility)."""
        df = self.rows
        if not include_confidential and self.confidential and len(df):
            df = df[~(df["onderdeel"].isin(["project", "monitoring", "actie"]) & df["id"].isin(self.confidential))]
        return df.reset_index(drop=True)

    def summary(self, include_confidential=True):
        """DataFrame onderdeel, wijziging, aantal (distinct ids)."""
        import pandas as pd

        rows = self.visible_rows(include_confidential)
        if not len(rows):
            return pd.DataFrame(columns=["onderdeel", "wijziging", "aantal"])
        g = rows.groupby(["onderdeel", "wijziging"], sort=False)["id"].nunique().reset_index()
        return g.rename(columns={"id": "aantal"})


def _changed(x, y):
    """Positions where the aligned value arrays ``x`` and ``y`` (dtype object) differ (:func:`_differs`).

    Vectorised: equal values and pairs of missing values are ruled out at once; only the remaining candidates
    (changed cells, or the same value written differently, such as ``'x '`` and ``'x'``) go through
    :func:`_differs` one by one, so the report is exactly that of a comparison cell by cell."""
    import numpy as np

    from ..tabular import same_or_missing

    if not len(x):
        return np.zeros(0, dtype=np.int64)
    cand = np.flatnonzero(~same_or_missing(x, y))
    return np.array([i for i in cand if _differs(x[i], y[i])], dtype=np.int64)


def _common(fo, fn):
    """The rows of ``fo`` and ``fn`` (indexed by id) whose id is in both, aligned, in the order of ``fo``."""
    ids = fo.index.intersection(fn.index)
    return ids, fo.loc[ids], fn.loc[ids]


def _records(frame, ids, cols):
    """Rows of ``frame`` at ``ids`` as tuples of plain values (``cols`` in order), one lookup for all."""
    sub = frame.loc[ids]
    return zip(ids, *(sub[c].to_numpy(dtype=object) for c in cols))


def _project_rows(old, new):
    import numpy as np

    cols = ["project_id", "code", "name", "status_reason", "confidential"] + [c for c, _lab in PROJECT_FIELDS]
    po = old.read_frame("projects", columns=cols, geometry=False).set_index("project_id")
    pn = new.read_frame("projects", columns=cols, geometry=False).set_index("project_id")
    rows = []
    for pid, code, name, status in _records(pn, pn.index.difference(po.index), ("code", "name", "status")):
        note = "status {}".format(status) if _norm(status) else None
        rows.append(("project", "toegevoegd", pid, code, name, None, None, None, note))
    for pid, code, name in _records(po, po.index.difference(pn.index), ("code", "name")):
        rows.append(("project", "verwijderd", pid, code, name, None, None, None,
                     "niet meer in de werkbank van de nieuwe ronde"))
    ids, a, b = _common(po, pn)
    codes, names = b["code"].to_numpy(dtype=object), b["name"].to_numpy(dtype=object)
    sa = a["status"].to_numpy(dtype=object)
    sb = b["status"].to_numpy(dtype=object)
    reason = b["status_reason"].to_numpy(dtype=object)
    dropped = np.array([_norm(y) == "afgevallen" and _norm(x) != "afgevallen" for x, y in zip(sa, sb)], dtype=bool)
    for i in np.flatnonzero(dropped):
        rows.append(("project", "afgevallen", ids[i], codes[i], names[i], "status", _norm(sa[i]), "afgevallen",
                     _norm(reason[i])))
    old_reason = a["status_reason"].to_numpy(dtype=object)
    for col, label in PROJECT_FIELDS:
        x, y = a[col].to_numpy(dtype=object), b[col].to_numpy(dtype=object)
        for i in _changed(x, y):
            if col == "status" and dropped[i]:
                continue
            show = SHOWN.get(col, _norm)
            # a decision comes with its reason (as 'afgevallen' does above): the new reason, when it is new
            note = _norm(reason[i]) if col == "status" and _norm(reason[i]) != _norm(old_reason[i]) else None
            rows.append(("project", "gewijzigd", ids[i], codes[i], names[i], label, show(x[i]), show(y[i]), note))
    rows += _score_rows(old, new, ids, codes, names)
    confidential = set(pn.index[pn["confidential"].fillna(0).astype(int) == 1]) | set(
        po.index[po["confidential"].fillna(0).astype(int) == 1])
    return rows, confidential


def _criterion_table(wb):
    """The value that counts per rated (project_id, criterion_id): scoring's consensus, once for the round."""
    from ..scoring.criteria import criteria_list
    from ..scoring.scores import consensus, scores_frame

    vals = consensus(scores_frame(wb), criteria_list(wb))
    return vals[["project_id", "criterion_id", "value"]].drop_duplicates(["project_id", "criterion_id"], keep="last")


def _score_rows(old, new, ids, codes, names):
    """'score <criterion>' rows of the projects in both rounds: one merge of the two rounds' consensus."""
    import pandas as pd

    m = _criterion_table(old).merge(_criterion_table(new), on=["project_id", "criterion_id"], how="outer",
                                    suffixes=("_o", "_n"))
    pos = pd.Series(range(len(ids)), index=ids)
    m = m[m["project_id"].isin(ids)]
    m = m.assign(_p=m["project_id"].map(pos).to_numpy(), _c=m["criterion_id"].astype(str))
    m = m.sort_values(["_p", "_c"], kind="mergesort").reset_index(drop=True)
    x, y = m["value_o"].to_numpy(dtype=object), m["value_n"].to_numpy(dtype=object)
    at, crit = m["_p"].to_numpy(), m["criterion_id"].to_numpy(dtype=object)
    rows = []
    for i in _changed(x, y):
        p = int(at[i])
        rows.append(("project", "gewijzigd", ids[p], codes[p], names[p], "score {}".format(crit[i]), _norm(x[i]),
                     _norm(y[i]), None))
    return rows


def _dev_rows(old, new):
    cols = ("sector", "name", "demand_mw", "supply_mw", "year_ready")  # only what the report shows
    do = old.read_frame("developments", columns=("dev_id",) + cols, geometry=False).set_index("dev_id")
    dn = new.read_frame("developments", columns=("dev_id",) + cols, geometry=False).set_index("dev_id")
    rows = []
    for change, frame, ids in (("toegevoegd", dn, dn.index.difference(do.index)),
                               ("verwijderd", do, do.index.difference(dn.index))):
        for did, sector, name, demand, supply, ready in _records(frame, ids, cols):
            rows.append(("ontwikkeling", change, did, sector, name, None, None, None,
                         _mw_note(demand, supply, ready)))
    ids, a, b = _common(do, dn)
    sectors, names = b["sector"].to_numpy(dtype=object), b["name"].to_numpy(dtype=object)
    for col, label in DEVELOPMENT_FIELDS:
        x, y = a[col].to_numpy(dtype=object), b[col].to_numpy(dtype=object)
        for i in _changed(x, y):
            rows.append(("ontwikkeling", "gewijzigd", ids[i], sectors[i], names[i], label, _norm(x[i]), _norm(y[i]),
                         None))
    return rows


def _capacity_rows(old, new):
    """The capacity per station and horizon year that changed between the rounds (a new capaciteitskaart or station
    limits from the netbeheerder: why a station went from tekort to ruim): one row per station, year and direction;
    a year added or gone is named with its MW."""
    import pandas as pd

    def frame(wb):
        cap = wb.read_frame("station_capacity", columns=["station_id", "year", "afname_mw", "teruglevering_mw"],
                            geometry=False)
        cap = cap.drop_duplicates(["station_id", "year"], keep="last")
        key = cap["station_id"].astype(str) + " " + pd.to_numeric(cap["year"], errors="coerce").astype("Int64") \
            .astype(str)
        return cap.assign(_k=key.to_numpy()).set_index("_k")

    co, cn = frame(old), frame(new)
    names = {r["station_id"]: r["name"] for r in new.query("SELECT station_id, name FROM stations")}
    names.update({k: v for k, v in ((r["station_id"], r["name"]) for r in old.query(
        "SELECT station_id, name FROM stations")) if k not in names})
    rows = []
    for change, fr, keys in (("toegevoegd", cn, cn.index.difference(co.index)),
                             ("verwijderd", co, co.index.difference(cn.index))):
        for _key, sid, year, afname, terug in _records(fr, keys, ("station_id", "year", "afname_mw",
                                                                  "teruglevering_mw")):
            rows.append(("capaciteit", change, sid, None, names.get(sid), "jaar {}".format(_norm(year)),
                         None, None, _capacity_note(afname, terug)))
    keys, a, b = _common(co, cn)
    sids, years = b["station_id"].to_numpy(dtype=object), b["year"].to_numpy(dtype=object)
    for col, label in CAPACITY_FIELDS:
        x, y = a[col].to_numpy(dtype=object), b[col].to_numpy(dtype=object)
        for i in _changed(x, y):
            rows.append(("capaciteit", "gewijzigd", sids[i], None, names.get(sids[i]),
                         "{} {}".format(label, _norm(years[i])), _norm(x[i]), _norm(y[i]), None))
    return rows


def _capacity_note(afname, terug):
    from ..formatting import fmt_mw

    parts = ["afname " + fmt_mw(_norm(afname)) if _norm(afname) is not None else "",
             "teruglevering " + fmt_mw(_norm(terug)) if _norm(terug) is not None else ""]
    return ", ".join(p for p in parts if p) or None


def _mw_note(demand, supply, ready):
    from ..formatting import fmt_mw

    parts = []
    if _norm(demand) is not None:
        parts.append("vraag " + fmt_mw(_norm(demand)))
    if _norm(supply) is not None:
        parts.append("aanbod " + fmt_mw(_norm(supply)))
    if _norm(ready) is not None:
        parts.append("gereed {}".format(_norm(ready)))
    return ", ".join(parts) or None


def _monitoring_rows(old, new):
    names = {r["project_id"]: (r["code"], r["name"]) for r in new.query("SELECT project_id, code, name FROM projects")}
    fields = [c for c, _lab in MONITORING_FIELDS]
    mo = old.read_frame("monitoring", columns=["monitoring_id", "project_id"] + fields).set_index("monitoring_id")
    mn = new.read_frame("monitoring", columns=["monitoring_id", "project_id"] + fields).set_index("monitoring_id")
    rows = []
    for rec in _records(mn, mn.index.difference(mo.index), ["project_id"] + fields):
        r = dict(zip(fields, rec[2:]))
        code, name = names.get(rec[1], (None, None))
        note = "; ".join("{}: {}".format(lab, _norm(r[c])) for c, lab in MONITORING_FIELDS[1:] if _norm(r[c]))
        rows.append(("monitoring", "nieuw", rec[1], code, name, "peildatum", None, _norm(r["peildatum"]),
                     note or None))
    ids, a, b = _common(mo, mn)
    changed = []  # (position, field order, row): a record's fields in order, records in the order of ``mo``
    for k, (col, label) in enumerate(MONITORING_FIELDS):
        x, y = a[col].to_numpy(dtype=object), b[col].to_numpy(dtype=object)
        for i in _changed(x, y):
            pid = b["project_id"].iat[i]
            code, name = names.get(pid, (None, None))
            changed.append((i, k, ("monitoring", "bijgewerkt", pid, code, name, label, _norm(x[i]), _norm(y[i]),
                                   None)))
    rows += [r for _i, _k, r in sorted(changed, key=lambda t: (t[0], t[1]))]
    acols = ["action_id", "project_id", "status", "activity"]
    ao = old.read_frame("actions", columns=acols).set_index("action_id")
    an = new.read_frame("actions", columns=acols).set_index("action_id")
    for _aid, pid, status, activity in _records(an, an.index.difference(ao.index), ("project_id", "status", "activity")):
        code, name = names.get(pid, (None, None))
        rows.append(("actie", "nieuw", pid, code, name, "status", None, _norm(status), _norm(activity)))
    ids, a, b = _common(ao, an)
    x, y = a["status"].to_numpy(dtype=object), b["status"].to_numpy(dtype=object)
    for i in _changed(x, y):
        pid = b["project_id"].iat[i]
        code, name = names.get(pid, (None, None))
        rows.append(("actie", "status gewijzigd", pid, code, name, "status", _norm(x[i]), _norm(y[i]),
                     _norm(b["activity"].iat[i])))
    return rows


def compare_rounds(old, new):
    """The difference report between round ``old`` and round ``new`` (paths or open werkbanks)."""
    import pandas as pd

    wo, close_o = _open(old)
    wn, close_n = _open(new)
    try:
        prow, confidential = _project_rows(wo, wn)
        rows = prow + _dev_rows(wo, wn) + _capacity_rows(wo, wn) + _monitoring_rows(wo, wn)
        labels = (_label(wo), _label(wn))
    finally:
        if close_o:
            wo.close()
        if close_n:
            wn.close()
    df = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    order = {k: i for i, k in enumerate(SECTION_LABELS)}
    change_order = {"toegevoegd": 0, "nieuw": 0, "afgevallen": 1, "verwijderd": 2, "gewijzigd": 3,
                    "bijgewerkt": 3, "status gewijzigd": 3}
    df["_s"] = df["onderdeel"].map(order)
    df["_c"] = df["wijziging"].map(change_order).fillna(9)
    df["_i"] = df["id"].astype(str)
    df["_f"] = df["veld"].fillna("").astype(str)
    df = df.sort_values(["_s", "_i", "_c", "_f"], kind="mergesort").drop(columns=["_s", "_c", "_i", "_f"])
    df = df.astype(object).where(pd.notna(df), None).reset_index(drop=True)
    return RoundComparison(df, labels[0], labels[1], confidential)


def write_report(cmp, path, include_confidential=False):
    """Write the report to ``.xlsx`` (sheets Samenvatting + one per section) or ``.csv`` (``;``, UTF-8).

    Confidential projects are left out unless ``include_confidential``; then the first line says so."""
    from .visibility import CONFIDENTIAL_NOTICE

    path = str(path)
    inc = include_confidential
    ext = os.path.splitext(path)[1].lower()
    from .. import tabular

    if ext == ".csv":
        rows = list(cmp.visible_rows(inc).itertuples(index=False))
        if inc:
            rows.insert(0, [CONFIDENTIAL_NOTICE] + [None] * (len(REPORT_COLUMNS) - 1))
        return tabular.write_csv(path, REPORT_COLUMNS, rows)
    if ext != ".xlsx":
        raise ProgrammeError("{}: onbekend bestandstype '{}'; gebruik .xlsx of .csv.".format(os.path.basename(path), ext))
    book = tabular.new_workbook()
    from openpyxl.styles import Font

    ws = book.active
    ws.title = "Samenvatting"
    ws.append(["Verschillen tussen rondes" + (" – " + CONFIDENTIAL_NOTICE if inc else "")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(tabular.xlsx_row(["Oude ronde", cmp.old_label]))
    ws.append(tabular.xlsx_row(["Nieuwe ronde", cmp.new_label]))
    ws.append([])
    ws.append(["onderdeel", "wijziging", "aantal"])
    for c in ws[5]:
        c.font = Font(bold=True)
    for r in cmp.summary(inc).itertuples(index=False):
        ws.append([SECTION_LABELS.get(r[0], r[0]), r[1], int(r[2])])
    for key, title in SECTION_LABELS.items():
        sh = book.create_sheet(title)
        sh.append(REPORT_COLUMNS)
        for c in sh[1]:
            c.font = Font(bold=True)
        for r in cmp.section(key, inc).itertuples(index=False):
            sh.append(tabular.xlsx_row(r))
        sh.freeze_panes = "A2"
        for col, width in zip("ABCDEFGHI", (12, 16, 14, 10, 30, 20, 18, 18, 40)):
            sh.column_dimensions[col].width = width
    return tabular.save_workbook(book, path)


def atlas_section(cmp, include_confidential=False):
    """Rows for an atlas/fiche section: {"title", "subtitle", "columns", "rows", "summary"}.

    Confidential projects (in either round) are left out unless ``include_confidential``.
    """
    from ..formatting import fmt_value

    df = cmp.visible_rows(include_confidential)
    cols = ["onderdeel", "wijziging", "code", "naam", "veld", "oud", "nieuw", "toelichting"]
    rows = [{c: ("" if r[c] is None else r[c]) for c in cols} for r in df.to_dict("records")]
    for r in rows:
        r["onderdeel"] = SECTION_LABELS.get(r["onderdeel"], r["onderdeel"])
        for c in ("oud", "nieuw"):  # amounts and MW in Dutch: '€ 80 mln', '40 MW'
            r[c] = fmt_value(r["veld"], r[c]) if r[c] != "" else ""
    counts = df.groupby(["onderdeel", "wijziging"], sort=False)["id"].nunique() if len(df) else {}
    summary = ["{}: {} {}".format(SECTION_LABELS.get(o, o), n, w) for (o, w), n in dict(counts).items()]
    return {
        "title": "Verschillen ten opzichte van de vorige ronde",
        "subtitle": "{} → {}".format(cmp.old_label, cmp.new_label),
        "columns": cols,
        "rows": rows,
        "summary": summary,
    }
