"""Dock 'Projecten en koppelingen': the project register, its linked developments, suggestions, drawing.

Reads and writes the current werkbank (``session.werkbank_path()``); after a
change it emits ``session.dataChanged(table)`` so the balance dock follows.
Drawing happens in the werkbank layers of the 'pMIEK' group (see
``dialogs/map_tools.py``).
"""

from qgis.core import Qgis, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..werkbank import enums as E
from ..connections import ConnectionsMixin
from .keys import no_tab_trap
from .messages import TITLE, tell

ALL = "__alle__"


def tr(text):
    return QCoreApplication.translate("ProjectsDock", text)


def _fmt(v, digits=1):
    """Dutch number through the plugin's one formatter (formatting.fmt_num); text stays text."""
    from ..formatting import _number, fmt_num

    if _number(v) is None and v is not None and not (isinstance(v, float) and v != v):
        return str(v)
    return fmt_num(v, digits)


def compact_rows(view):
    """Rows one line of text high, so a dock shows ten or more rows at 1366×768; Tab leaves the table
    (``keys.no_tab_trap``) and an elided cell shows its whole text as tooltip (``elided_tooltips``): every dock
    table comes here."""
    no_tab_trap(view)
    elided_tooltips(view)
    h = view.fontMetrics().height() + 6
    view.verticalHeader().setMinimumSectionSize(h)
    view.verticalHeader().setDefaultSectionSize(h)


NAME_CHARS = 24  # a name column shows at least this many characters (then the table scrolls sideways)
NAME_MAX_CHARS = 48  # and is fitted to its names up to this many; longer ones are elided (tooltip)


def _table(headers, names=()):
    """A read-only table: every column fitted to its contents (``fit_columns``), the last one fills the width
    left; the ``names`` columns at least ``NAME_CHARS`` characters wide and at most ``NAME_MAX_CHARS``, so a name
    is readable in a narrow dock (stretched, they were squeezed to ~30 px of '…' by the fitted columns).  An
    elided cell shows its full text as tooltip (``elided_tooltips``)."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    for c, h in enumerate(headers):
        t.horizontalHeaderItem(c).setToolTip(h)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    compact_rows(t)
    t.setWordWrap(False)
    t.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = t.horizontalHeader()
    # widths fitted to the contents when filled and grown for rewritten cells (fit_columns): an automatic
    # ResizeToContents measured 1,000 rows of every column again for each cell written (~28 ms per cell in the
    # desktop with 6,000 projects, issue 19)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    char = t.fontMetrics().averageCharWidth()
    t.__dict__["_pmiek_bounds"] = {c: (NAME_CHARS * char + 12, NAME_MAX_CHARS * char + 12) for c in names}
    return t


def elided_tooltips(view):
    """A cell whose text does not fit its column shows the whole text as tooltip (unless it has its own)."""
    f = _ElidedTips(view)
    view.viewport().installEventFilter(f)
    return f


class _ElidedTips(QObject):
    def __init__(self, view):
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.ToolTip:
            return False
        index = self.view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False
        text = str(index.data() or "")
        if self.view.fontMetrics().horizontalAdvance(text) + 8 <= self.view.visualRect(index).width():
            QToolTip.hideText()
            return True
        QToolTip.showText(event.globalPos(), text, self.view.viewport(), self.view.visualRect(index))
        return True


def fit_columns(view, rows=None, skip=(), cols=None):
    """Column widths to the contents: every column (``rows`` None, after a fill), or only the columns the
    changed ``rows`` no longer fit in (measured with the font, so unchanged rows are not read again).  A column
    the user made narrower by hand stays so until a text needs more than it was fitted to.  Stretched columns
    share the width left and are not fitted.  The one column fitting of the docks' tables (issue 19)."""
    model, header = view.model(), view.horizontalHeader()
    n = model.columnCount()
    fitted = view.__dict__.setdefault("_pmiek_fitted", {})  # column -> width its contents were fitted to

    def fits(j):
        return j not in skip and not view.isColumnHidden(j) and (
            header.sectionResizeMode(j) != QHeaderView.ResizeMode.Stretch)

    bounds = view.__dict__.get("_pmiek_bounds", {})  # name columns: (least, most) width

    def resize(j):
        view.resizeColumnToContents(j)
        if j in bounds:
            least, most = bounds[j]
            view.setColumnWidth(j, min(max(view.columnWidth(j), least), most))

    if rows is None:
        fitted.clear()
        for j in range(n):
            if fits(j):
                resize(j)
                fitted[j] = view.columnWidth(j)
        return
    if not rows:
        return
    fm = view.fontMetrics()
    for j in (range(n) if cols is None else sorted(cols)):
        if not fits(j):
            continue
        need = max(fm.horizontalAdvance(str(model.index(i, j).data() or "")) for i in rows) + 8
        if need > max(view.columnWidth(j), fitted.get(j, 0)):
            resize(j)
            fitted[j] = max(view.columnWidth(j), need)


SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _select(layer, key, expression):
    """Select the features matching ``expression``, but leave a selection that is already exactly that alone:
    a new selection repaints the layer, and repainting a labelled layer (projects) redraws every label on the
    map (issue 19: ~250 ms at province size)."""
    from qgis.core import QgsFeatureRequest

    req = QgsFeatureRequest().setFilterExpression(expression)
    req.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    req.setSubsetOfAttributes([key], layer.fields())
    ids = {f.id() for f in layer.getFeatures(req)}
    if ids != set(layer.selectedFeatureIds()):
        layer.selectByIds(list(ids))


class SortItem(QTableWidgetItem):
    """A cell that sorts naturally (UT-P2 before UT-P10) and numbers by value, not as text."""

    def __lt__(self, other):
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if a is not None and b is not None:
            try:
                return a < b
            except TypeError:
                pass
        return super().__lt__(other)


def _sort_key(v):
    from ..scoring.ranking import _natural

    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return [(0, float(v), "")] if v == v else [(2, 0, "")]
    return _natural(v if v is not None else "")


def _set_cell(item, v, key=False):
    """Text, sort key, tooltip (and key) of one cell: the one cell builder of full and partial fills."""
    text = v if isinstance(v, str) else _fmt(v)
    item.setText(text)
    item.setData(SORT_ROLE, _sort_key(v))
    item.setToolTip(text if len(text) > 24 else "")  # long names are cut off in narrow columns
    if key:
        item.setData(Qt.ItemDataRole.UserRole, v)
    return item


def _set_row(table, r, row, key_col=0):
    for c, v in enumerate(row):
        table.setItem(r, c, _set_cell(SortItem(), v, c == key_col))


def _update_rows(table, rows, key_col=0):
    """Rewrite the cells of some rows in place (``rows``: row number -> values): with sorting on, only a
    changed row moves to its sorted place (replacing items with sorting off and on again would sort all rows,
    ~0.2 s for 6,000).  The items are taken first: they move with their row when it is re-sorted."""
    width = table.columnCount()
    todo = [([table.item(r, c) for c in range(width)], row) for r, row in rows.items()]
    written = []
    for items, row in todo:
        for c, (item, v) in enumerate(zip(items, row)):
            key = c == key_col
            if item.text() != (v if isinstance(v, str) else _fmt(v)) or (key and item.data(Qt.ItemDataRole.UserRole) != v):
                _set_cell(item, v, key)  # only cells that show something new: each write re-sorts and repaints
                written.append(item)
    # the rows where the written cells are now (a write may have moved its row to its sorted place)
    fit_columns(table, sorted({item.row() for item in written}), cols={item.column() for item in written})


def _fill(table, rows, key_col=0, sortable=False):
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        _set_row(table, r, row, key_col)
    table.setSortingEnabled(sortable)
    fit_columns(table)


def rows_of(table, keys):
    """Row number of each key found in column 0 (UserRole): a model search per key (in C++) instead of a
    Python loop over every row (12,000 stations, 6,000 projects at national size); many keys: one loop."""
    model = table.model()
    n = table.rowCount()
    keys = list(keys)
    if not n or not keys:
        return {}
    if len(keys) > 50:
        want = set(keys)
        out = {}
        for r in range(n):
            item = table.item(r, 0)
            k = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if k in want:
                out[k] = r
        return out
    out = {}
    for k in keys:
        hits = model.match(model.index(0, 0), Qt.ItemDataRole.UserRole, k, 1, Qt.MatchFlag.MatchExactly)
        if hits:
            out[k] = hits[0].row()
    return out


REGISTER_SQL = (
    "SELECT p.project_id, p.name, p.type_infra, p.status, p.ibn_year, p.station_id, p.knooppunt_id, "
    "p.capacity_afname_mw, s.name AS station_name, k.name AS knooppunt_name FROM projects p "
    "LEFT JOIN stations s ON s.station_id = p.station_id "
    "LEFT JOIN knooppunten k ON k.knooppunt_id = p.knooppunt_id")


class ProjectsDock(ConnectionsMixin, QDockWidget):
    def __init__(self, iface, session, parent=None):
        super().__init__(tr("Projecten en koppelingen"), parent)
        self.iface = iface
        self.session = session
        self._connections = []
        self._tool = None
        self._previous_tool = None
        self._projects = []
        self._versions = None  # project_id -> row_version of the register shown
        self._model = None
        # Called with the conflicts found when saving; returns KEEP_MINE, RELOAD or CANCEL
        # (dialogs/conflict_dialog.py).  None = ask with the conflict dialog; tests inject a function.
        self.resolver = None
        # Called with (title, question) before a removal; returns True to go ahead.  None = ask (QMessageBox).
        self.confirm = None
        self.last_conflicts = []
        self._build()
        self._connect(session.werkbankChanged, self._on_werkbank)
        self._connect(session.dataChanged, self._on_data)
        self._connect(QgsProject.instance().layersAdded, self._track_layers)
        self._track_layers()
        self.refresh()

    # ---- construction --------------------------------------------------------------------
    def _build(self):
        w = QWidget()
        lay = QVBoxLayout(w)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        filters = QHBoxLayout()
        self.f_status = QComboBox()
        self.f_status.addItem(tr("Alle statussen"), ALL)
        for code in E.PROJECT_STATUS:
            self.f_status.addItem(E.label(E.PROJECT_STATUS, code), code)
        self.f_type = QComboBox()
        self.f_type.addItem(tr("Alle typen"), ALL)
        for code in E.TYPE_INFRA:
            self.f_type.addItem(E.label(E.TYPE_INFRA, code), code)
        self.f_kp = QComboBox()
        self.f_kp.addItem(tr("Alle knooppunten"), ALL)
        for cb in (self.f_status, self.f_type, self.f_kp):
            filters.addWidget(cb)
            self._connect(cb.currentIndexChanged, self._fill_projects)
        lay.addLayout(filters)

        draw = QHBoxLayout()
        self.b_kp = QPushButton(tr("Knooppunt tekenen"))
        self.b_kp.setToolTip(tr("Teken een knooppunt (vlak) op de kaart; het formulier opent als het vlak af is."))
        self.draw_type = QComboBox()
        for code in E.TYPE_INFRA:
            self.draw_type.addItem(E.label(E.TYPE_INFRA, code), code)
            self.draw_type.setItemData(self.draw_type.count() - 1, E.label(E.TYPE_INFRA, code),
                                       Qt.ItemDataRole.ToolTipRole)
        self.draw_type.setToolTip(tr("Type infrastructuur van het nieuwe project (bepaalt punt, lijn of vlak)"))
        self.b_project = QPushButton(tr("Project tekenen"))
        self.b_project.setToolTip(tr("Teken een project van het gekozen type op de kaart."))
        self.b_save = QPushButton(tr("Opslaan"))
        self.b_save.setToolTip(tr("Bewerkingen in de werkbanklagen opslaan in de werkbank"))
        draw.addWidget(self.b_kp)
        draw.addWidget(self.b_project)
        draw.addWidget(self.draw_type, 1)
        draw.addWidget(self.b_save)
        self._connect(self.b_kp.clicked, self.draw_knooppunt)
        self._connect(self.b_project.clicked, self.draw_project)
        self._connect(self.b_save.clicked, self.save)
        lay.addLayout(draw)

        split = QSplitter(Qt.Orientation.Vertical)
        self.projects = _table([tr("Id"), tr("Naam"), tr("Type"), tr("Status"), tr("IBN"), tr("Station"),
                                tr("Knooppunt"), tr("Afname MW")], names=(1,))
        self.projects.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.projects.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # by name, naturally
        # the header and 9 rows at least: with the links below, the dock still fits a 1366×768 screen unscrolled
        self.projects.setMinimumHeight(self.projects.verticalHeader().defaultSectionSize() * 10 + 4)
        self._connect(self.projects.itemSelectionChanged, self._on_project_selected)
        split.addWidget(self.projects)

        box = QGroupBox()  # the tab says what it is: no second title
        bl = QVBoxLayout(box)
        self.links = _table([tr("Id"), tr("Naam"), tr("Sector"), tr("Jaar"), tr("MW"), tr("Aandeel"),
                             tr("Motivatie")], names=(1,))
        bl.addWidget(self.links)
        share = QHBoxLayout()
        share.addWidget(QLabel(tr("Aandeel")))
        self.share = QDoubleSpinBox()
        self.share.setRange(0, 100000)
        self.share.setValue(100)
        self.share_unit = QComboBox()
        self.share_unit.addItem("%", "pct")
        self.share_unit.addItem("MW", "mw")
        self.motivation = QLineEdit()
        self.motivation.setPlaceholderText(tr("Motivatie"))
        self.motivation.setToolTip(tr("Waarom deze ontwikkelingen bij het project horen. Enter koppelt de selectie "
                                      "op de kaart, zoals 'Koppel selectie op kaart'."))
        for x in (self.share, self.share_unit, self.motivation):
            share.addWidget(x)
        bl.addLayout(share)
        lb = QHBoxLayout()
        self.b_link_map = QPushButton(tr("Koppel selectie op kaart"))
        self.b_unlink = QPushButton(tr("Koppeling verwijderen"))
        lb.addWidget(self.b_link_map)
        lb.addWidget(self.b_unlink)
        bl.addLayout(lb)
        self._connect(self.b_link_map.clicked, self.link_map_selection)
        # Enter after typing the motivatie links (it did nothing: a user trial typed, pressed Enter, saw no change)
        self._connect(self.motivation.returnPressed, self.link_map_selection)
        self._connect(self.b_unlink.clicked, self.unlink_selected)
        self._connect(self.links.itemSelectionChanged, self._on_link_selected)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(box, tr("Gekoppelde ontwikkelingen"))
        split.addWidget(self.detail_tabs)

        sbox = QGroupBox(tr("Suggesties (zelfde voedingsgebied of knooppunt eerst, dan afstand)"))
        sl = QVBoxLayout(sbox)
        self.suggestions = _table([tr("#"), tr("Id"), tr("Naam"), tr("MW"), tr("Jaar"), tr("Afstand (m)"),
                                   tr("Reden")], names=(2,))
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        sl.addWidget(self.suggestions)
        self.b_link_sugg = QPushButton(tr("Koppel gekozen suggesties"))
        self._connect(self.b_link_sugg.clicked, self.link_suggestions)
        sl.addWidget(self.b_link_sugg)
        self.detail_tabs.addTab(sbox, tr("Suggesties"))
        self.detail_tabs.setTabToolTip(1, sbox.title())
        # the tab titles follow what the tables show, whoever fills or empties them
        for t in (self.links, self.suggestions):
            for sig in (t.model().rowsInserted, t.model().rowsRemoved, t.model().modelReset):
                self._connect(sig, self._show_detail_titles)
        self._show_detail_titles()
        # the project register gets most of the height (at least 10 rows at 1366×768)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split)
        self.setWidget(w)

    # ---- data ------------------------------------------------------------------------------
    def _open(self, readonly=False):
        """The session's werkbank (one connection per session, checked once; ``close()`` keeps it open)."""
        path = self.session.werkbank_path() if self.session is not None else ""
        if not path:
            return None
        from ..werkbank import WerkbankError

        try:
            return self.session.werkbank(readonly=readonly)
        except WerkbankError as e:
            self.info.setText(str(e))
            return None

    def _on_werkbank(self, path):
        self._model = None
        self._track_layers()
        self.refresh()

    def _track_layers(self, *args):
        """Remember the row versions of the werkbank layers (the version an edit starts from)."""
        from ..layers.concurrency import track_project_layers

        track_project_layers(QgsProject.instance())

    def _on_data(self, table):
        # project and link edits need no model update: the suggestions take the selected project's station from
        # its current row and links (BalanceModel.project_station, the balance's own rule; issue 19)
        if table == "project_links":
            # the project register does not show links: only the selected project's links and suggestions
            self._zoom = False  # an edit does not move the map
            self._on_project_selected()
            return
        if table == "projects":
            self._update_projects()
            return
        if table in ("developments", "knooppunten", "stations", "capacity_areas"):
            self._model = None
            self.refresh(keep_selection=True)

    def refresh(self, keep_selection=False):
        current = self.current_project() if keep_selection else None
        wb = self._open(readonly=True)
        if wb is None:
            self._projects = []
            self._versions = None
            self.info.setText(tr("Geen werkbank geopend. Open een werkbank via het menu pMIEK Werkbank."))
            self._fill_projects()
            self._set_enabled(False)
            return
        try:
            self._versions = self._row_versions(wb)
            self._projects = wb.query(REGISTER_SQL + " ORDER BY p.name")
            kps = wb.query("SELECT knooppunt_id, name FROM knooppunten ORDER BY name")
            prog = wb.programme()
        finally:
            wb.close()
        self.info.setText(tr("{} – {} projecten").format(prog["name"], len(self._projects)))
        self.f_kp.blockSignals(True)
        keep = self.f_kp.currentData()
        self.f_kp.clear()
        self.f_kp.addItem(tr("Alle knooppunten"), ALL)
        for k in kps:
            self.f_kp.addItem(k["name"] or k["knooppunt_id"], k["knooppunt_id"])
        i = self.f_kp.findData(keep)
        self.f_kp.setCurrentIndex(max(0, i))
        self.f_kp.blockSignals(False)
        self._set_enabled(True)
        self._fill_projects()
        if current:
            self.select_project(current, zoom=False)

    @staticmethod
    def _row_versions(wb, ids=None):
        """project_id -> row_version of every project, or of ``ids`` only."""
        if ids is None:
            return {r["project_id"]: r["row_version"] for r in wb.query("SELECT project_id, row_version FROM projects")}
        ids = list(ids)
        return {r["project_id"]: r["row_version"] for r in wb.query(
            "SELECT project_id, row_version FROM projects WHERE project_id IN ({})".format(",".join("?" * len(ids))),
            ids)}

    def _update_projects(self):
        """After a project edit: only the register rows whose project changed (issue 19).

        The row versions tell which projects changed (every edit, also a QGIS layer save, raises a row's
        version); only those are read again and only their rows rewritten.  A project added or removed, or one
        that enters or leaves the filter, refills the register as before.
        """
        wb = self._open(readonly=True)
        if wb is None or self._versions is None:
            self.refresh(keep_selection=True)
            return
        hint = self.session.changed_rows("projects")  # known rows only (Session.emit_rows_changed)
        try:
            if hint is not None and all(p in self._versions for p in hint):
                versions = dict(self._versions)  # only those rows' versions are read, not 6,000
                versions.update(self._row_versions(wb, hint))
            else:
                versions = self._row_versions(wb)
            if set(versions) != set(self._versions):
                changed = None
            else:
                changed = [p for p, v in versions.items() if v != self._versions[p]]
                rows = wb.query(REGISTER_SQL + " WHERE p.project_id IN ({})".format(
                    ",".join("?" * len(changed))), changed) if changed else []
        finally:
            wb.close()
        if changed is None:
            self.refresh(keep_selection=True)
            return
        self._versions = versions
        if not changed:
            return
        fresh = {r["project_id"]: r for r in rows}
        before = {p["project_id"]: p for p in self._projects if p["project_id"] in fresh}
        self._projects = [fresh.get(p["project_id"], p) for p in self._projects]
        at = rows_of(self.projects, fresh)
        if any(self._passes(fresh[p]) != (p in at) for p in fresh):
            current = self.current_project()
            self._fill_projects()
            if current:
                self.select_project(current, zoom=False)
            return
        current = self.current_project()
        _update_rows(self.projects, {at[p]: self._project_row(fresh[p]) for p in fresh if p in at})
        if current in fresh:
            if self.current_project() != current:  # the selection follows a re-sorted row; else select again
                self.select_project(current, zoom=False)
            if any(before[current].get(k) != fresh[current].get(k) for k in ("station_id", "knooppunt_id")):
                self._zoom = False
                self._on_project_selected()  # its station or knooppunt changed: suggestions start from there

    def _passes(self, p):
        st, ty, kp = self.f_status.currentData(), self.f_type.currentData(), self.f_kp.currentData()
        return ((st in (None, ALL) or p["status"] == st) and (ty in (None, ALL) or p["type_infra"] == ty)
                and (kp in (None, ALL) or p["knooppunt_id"] == kp))

    @staticmethod
    def _project_row(p):
        return [p["project_id"], p["name"] or "", E.label(E.TYPE_INFRA, p["type_infra"]) or "",
                E.label(E.PROJECT_STATUS, p["status"]) or "",
                str(p["ibn_year"]) if p["ibn_year"] else "", p["station_name"] or p["station_id"] or "",
                p["knooppunt_name"] or p["knooppunt_id"] or "", p["capacity_afname_mw"]]

    def _set_enabled(self, on):
        for b in (self.b_kp, self.b_project, self.b_save, self.b_link_map, self.b_unlink, self.b_link_sugg):
            b.setEnabled(on)

    def _fill_projects(self, *args):
        rows = [self._project_row(p) for p in self._projects if self._passes(p)]
        _fill(self.projects, rows, sortable=True)
        if not rows:
            _fill(self.links, [])
            _fill(self.suggestions, [])

    def current_project(self):
        items = self.projects.selectedItems()
        if not items:
            return None
        item = self.projects.item(items[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_project(self, project_id, zoom=True):
        r = rows_of(self.projects, [project_id]).get(project_id)
        if r is None:
            return False
        self._zoom = zoom
        self.projects.selectRow(r)
        return True

    def _on_project_selected(self):
        pid = self.current_project()
        zoom = getattr(self, "_zoom", True)
        self._zoom = True
        if pid is None:
            _fill(self.links, [])
            _fill(self.suggestions, [])
            self._show_detail_titles()
            return
        wb = self._open(readonly=True)
        if wb is None:
            self._show_detail_titles()
            return
        try:
            from ..formatting import fmt_share
            from ..knooppunten.links import links_for_project

            lk = links_for_project(wb, pid)
            rows = []
            for r in lk.itertuples():
                share = fmt_share(r.share_mw, r.share_pct)  # as the fiche writes it ('75,5 %', not '76 %')
                rows.append([r.dev_id, r.name or "", E.label(E.SECTORS, r.sector) or "",
                             str(int(r.year_ready)) if r.year_ready == r.year_ready and r.year_ready else "",
                             r.mw, share, r.motivation or ""])
            _fill(self.links, rows)
            self._fill_suggestions(wb, pid, lk)
            self._show_detail_titles()
        finally:
            wb.close()
        self.highlight(pid, list(lk["dev_id"]), zoom=zoom)

    def _fill_suggestions(self, wb, pid, links):
        from ..knooppunten.balance import BalanceModel
        from ..knooppunten.suggestions import suggest_links

        if self._model is None:
            self._model = BalanceModel.from_werkbank(wb)
        m = self._model
        proj = wb.read_frame("projects", columns=["project_id", "station_id", "knooppunt_id"],
                             where="project_id = ?", params=(pid,))
        if not len(proj):
            _fill(self.suggestions, [])
            return
        p = proj.iloc[0]
        linked = set(links["dev_id"])
        st = m.project_station(p, links)
        devs = m.inputs.developments
        stations = m.inputs.stations.set_index("station_id")
        kps = m.inputs.knooppunten.set_index("knooppunt_id")
        st_geom = stations.geometry.get(st) if st in stations.index else None
        kp_geom = kps.geometry.get(p["knooppunt_id"]) if p["knooppunt_id"] in kps.index else None
        s = suggest_links({"project_id": pid, "station_id": st, "knooppunt_id": p["knooppunt_id"],
                           "geometry": p.geometry}, devs, m.assignment, linked, st_geom, kp_geom, limit=30)
        rows = [[int(r.rank), r.dev_id, r.name or "", r.mw,
                 str(int(r.year_ready)) if r.year_ready == r.year_ready and r.year_ready else "",
                 _fmt(r.distance_m, 0), r.reason] for r in s.itertuples()]
        _fill(self.suggestions, rows, key_col=1)

    def _show_detail_titles(self, *args):
        """The one place of the detail tabs' titles: with the number of rows each table shows while a project is
        chosen, without a number when none is (after another werkbank or a filter that hides it)."""
        chosen = self.current_project() is not None
        for i, (title, table) in enumerate(((tr("Gekoppelde ontwikkelingen"), self.links),
                                            (tr("Suggesties"), self.suggestions))):
            self.detail_tabs.setTabText(i, tr("{} ({})").format(title, table.rowCount()) if chosen else title)

    # ---- map ------------------------------------------------------------------------------------
    def highlight(self, project_id, dev_ids, zoom=True):
        """Select the project and its developments in the werkbank layers and zoom there."""
        from ..layers.project import werkbank_layers

        extent = QgsRectangle()
        quoted = ",".join("'{}'".format(str(d).replace("'", "''")) for d in dev_ids) or "''"
        for layer in werkbank_layers(table="projects"):
            _select(layer, "project_id", "\"project_id\" = '{}'".format(project_id.replace("'", "''")))
            if layer.selectedFeatureCount():
                extent.combineExtentWith(layer.boundingBoxOfSelected())
        for layer in werkbank_layers(table="developments"):
            _select(layer, "dev_id", "\"dev_id\" IN ({})".format(quoted))
            if layer.selectedFeatureCount():
                extent.combineExtentWith(layer.boundingBoxOfSelected())
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if zoom and canvas is not None and not extent.isNull():
            if extent.width() < 500 or extent.height() < 500:
                c = extent.center()
                extent = QgsRectangle(c.x() - 1000, c.y() - 1000, c.x() + 1000, c.y() + 1000)
            extent.scale(1.2)
            canvas.setExtent(extent)
            canvas.refresh()

    def _selected_map_developments(self):
        from ..layers.project import werkbank_layers

        ids = []
        for layer in werkbank_layers(table="developments"):
            idx = layer.fields().indexOf("dev_id")
            if idx < 0:
                continue
            ids += [f.attribute(idx) for f in layer.selectedFeatures()]
        return ids

    # ---- linking -------------------------------------------------------------------------------------
    def _link(self, dev_ids, motivations=None):
        """Link developments to the current project; ``motivations``: dev_id -> own motivatie (suggestions).

        The typed motivatie belongs to this one linking action: the field is emptied afterwards, so it
        never ends up on a later link.
        """
        pid = self.current_project()
        if pid is None or not dev_ids:
            self._message(tr("Kies een project en een of meer ontwikkelingen."), Qgis.MessageLevel.Info)
            return 0
        from ..knooppunten.links import LinkError, add_links

        unit = self.share_unit.currentData()
        value = self.share.value()
        typed = self.motivation.text().strip() or None
        share = {"share_pct": value if unit == "pct" else None, "share_mw": value if unit == "mw" else None}
        wb = self._open()
        if wb is None:
            return 0
        from ..formatting import fmt_num

        # developments already linked to this project (choosing a project selects them on the map): their share is
        # only replaced when the user says so; otherwise only the new ones are linked
        linked = {r["dev_id"] for r in wb.query("SELECT dev_id FROM project_links WHERE project_id = ?", (pid,))}
        again = [d for d in dev_ids if d in linked]
        if again:
            text = tr("{} van de {} gekozen ontwikkelingen zijn al aan dit project gekoppeld. Hun aandeel vervangen "
                      "door {} {}{}? Bij 'Nee' worden alleen de andere gekoppeld.").format(
                len(again), len(dev_ids), fmt_num(value, 3, trim=True), "%" if unit == "pct" else "MW",
                tr(" en hun motivatie door de getypte") if typed else "")
            if not (self.confirm or self._ask_yes_no)(tr("Koppelingen vervangen?"), text):
                dev_ids = [d for d in dev_ids if d not in linked]
                if not dev_ids:
                    wb.close()
                    self._message(tr("Niets gekoppeld: de gekozen ontwikkelingen waren al gekoppeld."),
                                  Qgis.MessageLevel.Info)
                    return 0
        try:
            with wb.transaction():
                if motivations:
                    n = sum(add_links(wb, pid, [d], motivation=typed or motivations.get(d), **share)
                            for d in dev_ids)
                else:
                    n = add_links(wb, pid, dev_ids, motivation=typed, **share)
        except LinkError as e:
            self._message(str(e), Qgis.MessageLevel.Warning)
            return 0
        finally:
            wb.close()
        self.motivation.clear()
        self.session.dataChanged.emit("project_links")  # this dock's _on_data shows the project's links again
        if self.current_project() != pid:
            self.select_project(pid, zoom=False)
        self._message(tr("{} ontwikkeling(en)").format(n), Qgis.MessageLevel.Success,
                      title=tr("Gekoppeld en opgeslagen"))
        return n

    def link_map_selection(self):
        return self._link(self._selected_map_developments())

    def link_suggestions(self):
        rows = sorted({i.row() for i in self.suggestions.selectedItems()})
        ids, motivations = [], {}
        for r in rows:
            dev = self.suggestions.item(r, 1).data(Qt.ItemDataRole.UserRole)
            if dev:
                ids.append(dev)
                reason = self.suggestions.item(r, 6)
                motivations[dev] = tr("Suggestie: {}").format(reason.text()) if reason is not None else None
        return self._link(ids, motivations)

    def unlink_selected(self):
        """Remove the selected link(s) after a question; the selection does not move on to another link."""
        pid = self.current_project()
        rows = sorted({i.row() for i in self.links.selectedItems()})
        ids = [self.links.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        if pid is None or not ids:
            self._message(tr("Kies eerst de koppeling die u wilt verwijderen."), Qgis.MessageLevel.Info)
            return 0
        names = [self.links.item(r, 1).text() or self.links.item(r, 0).text() for r in rows]
        question = tr("Koppeling van {} ontwikkeling(en) met dit project verwijderen?\n\n{}").format(
            len(ids), "\n".join(names[:10]))
        if not (self.confirm or self._ask_yes_no)(tr("Koppeling verwijderen"), question):
            return 0
        from ..knooppunten.links import remove_link

        wb = self._open()
        if wb is None:
            return 0
        try:
            with wb.transaction():
                n = sum(remove_link(wb, pid, d) for d in ids)
        finally:
            wb.close()
        self.session.dataChanged.emit("project_links")  # this dock's _on_data shows the project's links again
        self.links.clearSelection()
        self.links.setCurrentItem(None)
        self.b_unlink.setEnabled(False)
        self._message(tr("{} koppeling(en) verwijderd.").format(n), Qgis.MessageLevel.Success)
        return n

    def _ask_yes_no(self, title, text):
        from qgis.PyQt.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _on_link_selected(self):
        self.b_unlink.setEnabled(bool(self.links.selectedItems()))

    # ---- drawing ----------------------------------------------------------------------------------------
    def _start_tool(self, table, kind, values=None):
        """Arm drawing: the right layer editable and active, the digitising tool on the canvas."""
        from .map_tools import WerkbankDrawTool, find_layer

        layer = find_layer(table, kind if table == "projects" else None)
        if layer is None:
            self._message(tr("De laag voor {} staat niet in de groep 'pMIEK'. Open eerst de werkbank.").format(
                table), Qgis.MessageLevel.Warning)
            return None
        self._unset_tool()
        canvas = self.iface.mapCanvas()
        previous = canvas.mapTool()
        if previous is not None and not isinstance(previous, WerkbankDrawTool):
            self._previous_tool = previous
        if not layer.isEditable():
            layer.startEditing()
        self.iface.setActiveLayer(layer)
        self._tool = WerkbankDrawTool(self.iface, layer, table, kind, values, on_added=self._on_drawn,
                                      on_cancel=self.stop_drawing)
        canvas.setMapTool(self._tool)
        canvas.setFocus()
        what = tr("een knooppunt (vlak)") if table == "knooppunten" else {
            "point": tr("het project (punt)"), "line": tr("het project (lijn)"),
            "polygon": tr("het project (vlak)")}[kind]
        hint = tr("klik één keer") if kind == "point" else tr("klik de hoekpunten, rechtermuisknop om af te ronden")
        self._message(tr("Teken {} op de kaart: {}. Esc breekt af.").format(what, hint), Qgis.MessageLevel.Info)
        return self._tool

    def stop_drawing(self):
        """Esc without a sketch: back to the previous map tool; leave edit mode when nothing is pending."""
        tool = self._tool
        layer = tool.target if tool is not None else None
        self._unset_tool()
        canvas = self.iface.mapCanvas()
        if self._previous_tool is not None:
            try:
                canvas.setMapTool(self._previous_tool)
            except RuntimeError:
                pass
        if layer is not None and layer.isEditable() and not layer.isModified():
            layer.rollBack()

    def draw_knooppunt(self):
        return self._start_tool("knooppunten", "polygon")

    def draw_project(self):
        from .map_tools import geometry_kind

        code = self.draw_type.currentData()
        return self._start_tool("projects", geometry_kind(code), {"type_infra": code})

    def _on_drawn(self, table, feature=None):
        """A drawn feature was accepted in its form: save it to the werkbank at once and confirm."""
        name = ""
        if feature is not None:
            idx = feature.fields().indexOf("name")
            name = feature.attribute(idx) if idx >= 0 else ""
        saved = self.save()
        self.stop_drawing()  # one click on the button draws one feature; the map is back in the previous tool
        if table in saved:
            # what happened in the short title, the name as text (the bar shows one line at 1366x768)
            self._message(str(name or ""), Qgis.MessageLevel.Success,
                          title=tr("Knooppunt opgeslagen") if table == "knooppunten" else tr("Project opgeslagen"))
            if table == "projects" and feature is not None:
                key = feature.fields().indexOf("project_id")
                if key >= 0:
                    self.select_project(feature.attribute(key), zoom=False)

    def save(self):
        """Commit the werkbank layers' edit buffers, but first check for edits by others (optimistic concurrency).

        Conflicting rows are never overwritten: the resolver (the conflict dialog) chooses to save only
        the other edits, to reload the conflicting rows, or to cancel.
        """
        from ..layers.concurrency import discard_features, find_all_conflicts, stamp_edits
        from ..layers.project import werkbank_layers
        from ..werkbank.storage import now_iso
        from .conflict_dialog import KEEP_MINE, RELOAD
        from .map_tools import save_edits

        project = QgsProject.instance()
        pending = [lyr for lyr in werkbank_layers(project) if lyr.isEditable() and lyr.isModified()]
        self.last_conflicts = []
        if pending:
            wb = self._open(readonly=True)
            if wb is None:
                self._message(tr("De werkbank kan niet worden gelezen; er is niets opgeslagen."),
                              Qgis.MessageLevel.Critical)
                return set()
            try:
                conflicts = find_all_conflicts(pending, wb)
                user = wb.user
            finally:
                wb.close()
            if conflicts:
                self.last_conflicts = conflicts
                choice = (self.resolver or self._ask_conflicts)(conflicts)
                if choice not in (KEEP_MINE, RELOAD):
                    self._message(tr("Opslaan geannuleerd: er is niets opgeslagen en niets overschreven."),
                                  Qgis.MessageLevel.Warning)
                    return set()
                by_layer = {}
                for c in conflicts:
                    by_layer.setdefault(c.layer_id, set()).add(c.fid)
                for lyr in pending:
                    if lyr.id() in by_layer:
                        discard_features(lyr, by_layer[lyr.id()])
                if choice == RELOAD:
                    self._message(tr("{} rij(en) herladen met de opgeslagen versie; uw andere bewerkingen staan "
                                     "nog klaar om op te slaan.").format(len(conflicts)), Qgis.MessageLevel.Info)
                    for table in sorted({c.table for c in conflicts}):
                        self.session.dataChanged.emit(table)
                    return set()
                self._message(tr("{} rij(en) met een conflict niet opgeslagen (de versie van de ander blijft "
                                 "staan); de andere wijzigingen worden opgeslagen.").format(len(conflicts)),
                              Qgis.MessageLevel.Warning)
            ts = now_iso()
            for lyr in pending:
                stamp_edits(lyr, user, ts)
        saved, errors = save_edits(project)
        for e in errors:
            self._message(e, Qgis.MessageLevel.Critical)
        for table in sorted(saved | {c.table for c in self.last_conflicts}):
            self.session.dataChanged.emit(table)
        return saved

    def _ask_conflicts(self, conflicts):
        from .conflict_dialog import ask

        return ask(conflicts, self.iface.mainWindow() if self.iface is not None else self)

    def _unset_tool(self):
        if self._tool is None:
            return
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        try:
            if canvas is not None and canvas.mapTool() is self._tool:
                canvas.unsetMapTool(self._tool)
        except RuntimeError:
            pass
        self._tool.cleanup()
        self._tool.deleteLater()
        self._tool = None

    def _message(self, text, level, title=TITLE):
        tell(self.iface, title, text, level, 8)

    def cleanup(self):
        """Disconnect every signal and unset the map tool (called by the plugin's unload)."""
        self._disconnect_all()
        self._unset_tool()
        self._model = None
