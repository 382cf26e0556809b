"""Dock 'Capaciteitsbalans': units × horizon years with status colours, a chart per unit, a map layer.

The numbers come from ``knooppunten.balance.BalanceModel``, kept in memory:
after a change of projects or links (``session.dataChanged``) only the
affected stations/knooppunten are recomputed; other tables, the years or the
werkbank itself trigger a full computation.  The map layer is a memory layer
"Capaciteitsbalans" (one feature per unit for the chosen map year), styled by
status; it is removed again by ``cleanup()``.
"""

import weakref

from qgis.core import (
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QPointF, QRectF, Qt
from qgis.PyQt.QtGui import QBrush, QColor, QPainter, QPen
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from ..connections import ConnectionsMixin
from ..knooppunten.balance import MAP_STATUS_COLOURS, STATUS_COLOURS, STATUS_TEXT_COLOURS  # the one palette
from ..werkbank.enums import balance_status_label

LAYER_NAME = "Capaciteitsbalans"
# layer id -> the balance dock that made or took over that layer (weak: a dock gone frees its entry); a layer in
# the project without a living owner (e.g. from a saved QGIS project) can be taken over
_LAYER_OWNERS = weakref.WeakValueDictionary()


def tr(text):
    return QCoreApplication.translate("BalanceDock", text)


def _num(v):
    """Dutch number with one decimal at most, through the plugin's one formatter (formatting.fmt_num)."""
    from ..formatting import fmt_num

    return fmt_num(v, 1)


class BalanceChart(QWidget):
    """Bars per year: capacity (outline) against demand incl. other demand (filled in the status colour)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(150)
        self.title = ""
        self.rows = []  # dicts: year, capacity_mw, demand, status

    def set_series(self, title, rows):
        self.title = title
        self.rows = list(rows)
        self.update()

    def paintEvent(self, event):  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(40, 22, -10, -22)
        r = self.rect().adjusted(48, 40, -10, -22)
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#333333")))
        p.drawText(QRectF(0, 2, self.width(), 18), int(Qt.AlignmentFlag.AlignHCenter), self.title or tr(
            "Kies een station of knooppunt in de tabel"))
        if not self.rows or r.width() <= 0 or r.height() <= 0:
            p.end()
            return
        # legend: what the outline and the filled bar mean, and the unit
        lx, ly = 48.0, 22.0
        p.setPen(QPen(QColor("#222222"), 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(lx, ly + 2, 14, 10))
        p.setPen(QPen(QColor("#333333")))
        p.drawText(QRectF(lx + 18, ly, 150, 16), int(Qt.AlignmentFlag.AlignLeft), tr("capaciteit (MW)"))
        lx += 130
        for code in ("ruim", "krap", "tekort"):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor(STATUS_COLOURS[code])))
            p.drawRect(QRectF(lx, ly + 2, 10, 10))
            lx += 12
        p.setPen(QPen(QColor("#333333")))
        p.drawText(QRectF(lx + 4, ly, 260, 16), int(Qt.AlignmentFlag.AlignLeft),
                   tr("vraag (MW), kleur = status"))
        top = max([max(x["capacity_mw"] or 0.0, x["demand"]) for x in self.rows] + [1.0]) * 1.1
        p.setPen(QPen(QColor("#999999")))
        p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
        p.drawText(QRectF(0, r.top() - 8, 44, 16), int(Qt.AlignmentFlag.AlignRight), _num(top).split(",")[0])
        p.drawText(QRectF(0, r.bottom() - 8, 44, 16), int(Qt.AlignmentFlag.AlignRight), "0")
        p.drawText(QRectF(0, r.center().y() - 8, 44, 16), int(Qt.AlignmentFlag.AlignRight), "MW")
        n = len(self.rows)
        slot = r.width() / n
        for i, x in enumerate(self.rows):
            x0 = r.left() + i * slot + slot * 0.2
            w = slot * 0.6
            hd = r.height() * x["demand"] / top
            hc = r.height() * (x["capacity_mw"] or 0.0) / top
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor(MAP_STATUS_COLOURS.get(x["status"], "#888888"))))
            p.drawRect(QRectF(x0, r.bottom() - hd, w, hd))
            if x["capacity_mw"] is not None:  # none where the station limit is not known (onbekend): no 0 MW frame
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(QColor("#222222"), 2))
                p.drawRect(QRectF(x0 - 3, r.bottom() - hc, w + 6, hc))
            p.setPen(QPen(QColor("#333333")))
            p.drawText(QRectF(x0 - 10, r.bottom() + 2, w + 20, 16), int(Qt.AlignmentFlag.AlignHCenter),
                       str(x["year"]))
        p.end()


class BalanceDock(ConnectionsMixin, QDockWidget):
    def __init__(self, iface, session, parent=None):
        super().__init__(tr("Capaciteitsbalans"), parent)
        self.iface = iface
        self.session = session
        self._connections = []
        self.model = None
        self.layer = None
        self._build()
        self._connect(session.werkbankChanged, self._on_werkbank)
        self._connect(session.dataChanged, self._on_data)
        self.rebuild()

    def _build(self):
        w = QWidget()
        lay = QVBoxLayout(w)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        row = QHBoxLayout()
        self.level = QComboBox()
        self.level.addItem(tr("Per station"), "station")
        self.level.addItem(tr("Per knooppunt"), "knooppunt")
        self.years = QLineEdit()
        self.years.setPlaceholderText("2025,2030,2035")
        self.years.setToolTip(tr("Zichtjaren, gescheiden door komma's"))
        self.whatif = QLineEdit()
        self.whatif.setPlaceholderText(tr("Wat-als: P1,-P2"))
        self.whatif.setToolTip(tr("Project-ids: 'P1' zet een project aan, '-P2' zet het uit"))
        self.b_apply = QPushButton(tr("Herberekenen"))
        for x in (self.level, self.years, self.whatif, self.b_apply):
            row.addWidget(x)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(tr("Kaartjaar")))
        self.map_year = QComboBox()
        row2.addWidget(self.map_year)
        self.direction = QComboBox()
        self.direction.addItem(tr("Afname"), "afname")
        self.direction.addItem(tr("Teruglevering"), "teruglevering")
        row2.addWidget(self.direction)
        row2.addStretch(1)
        lay.addLayout(row2)
        self._connect(self.b_apply.clicked, self.apply_settings)
        self._connect(self.years.returnPressed, self.apply_settings)
        self._connect(self.whatif.returnPressed, self.apply_settings)
        self._connect(self.level.currentIndexChanged, self._on_view_changed)
        self._connect(self.direction.currentIndexChanged, self._on_view_changed)
        self._connect(self.map_year.currentIndexChanged, self._update_layer)

        split = QSplitter(Qt.Orientation.Vertical)
        self.tabs = QTabWidget()
        self.table = QTableWidget(0, 1)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # widths fitted when filled and grown for rewritten cells (projects_dock.fit_columns): ResizeToContents
        # measured 1,000 rows of every column again for each cell written (12,000 stations, issue 19)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._connect(self.table.itemSelectionChanged, self._on_unit_selected)
        self.tabs.addTab(self.table, tr("Balans (MW)"))
        self.unserved = QTableWidget(0, 7)
        self.unserved.setHorizontalHeaderLabels([tr("Ontwikkeling"), tr("Naam"), tr("Richting"), tr("Station"),
                                                 tr("Gereed"), tr("Tekort MW"), tr("Bediend vanaf")])
        self.unserved.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unserved.verticalHeader().setVisible(False)
        self.tabs.addTab(self.unserved, tr("Niet tijdig bediend"))
        split.addWidget(self.tabs)
        self.chart = BalanceChart()
        split.addWidget(self.chart)
        # the table gets most of the height (at least 10 rows), the chart the rest
        from .projects_dock import compact_rows

        for view in (self.table, self.unserved):
            compact_rows(view)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 11)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split)
        self.setWidget(w)

    # ---- model ----------------------------------------------------------------------------------
    def _open(self):
        """The session's werkbank (one connection per session, checked once; ``close()`` keeps it open)."""
        path = self.session.werkbank_path() if self.session is not None else ""
        if not path:
            return None
        from ..werkbank import WerkbankError

        try:
            return self.session.werkbank(readonly=True)
        except WerkbankError as e:
            self.info.setText(str(e))
            return None

    def rebuild(self):
        """Full computation from the werkbank."""
        wb = self._open()
        if wb is None:
            self.model = None
            self.info.setText(tr("Geen werkbank geopend."))
            self._refresh_views()
            return
        from ..knooppunten.balance import BalanceError, BalanceModel

        try:
            years = self.years.text().strip() or None
            try:
                self.model = BalanceModel.from_werkbank(wb, years=years, whatif=self.whatif.text().strip() or None)
            except BalanceError as e:
                self.info.setText(str(e))
                return
            prog = wb.programme()
        finally:
            wb.close()
        if not self.years.text().strip():
            self.years.setPlaceholderText(",".join(str(y) for y in self.model.years))
        self.info.setText(tr("{}: zichtjaren {}, krap onder {} % van de capaciteit.").format(
            prog["name"], ", ".join(str(y) for y in self.model.years), _num(self.model.settings.krap_pct)))
        self._refresh_views()

    def apply_settings(self):
        if self.model is None:
            self.rebuild()
            return
        from ..knooppunten.balance import BalanceError, parse_whatif, parse_years

        try:
            years = parse_years(self.years.text()) if self.years.text().strip() else self.model.years
            whatif = parse_whatif(self.whatif.text())
        except BalanceError as e:
            self.info.setText(str(e))
            return
        if list(years) != list(self.model.years):
            self.model.set_years(years)
        if whatif != self.model.settings.whatif:
            old = dict(self.model.settings.whatif)
            for pid in set(old) | set(whatif):
                if old.get(pid) != whatif.get(pid):
                    self.model.set_whatif(pid, whatif.get(pid))
        self._refresh_views()

    def _on_werkbank(self, path):
        self.rebuild()

    def _on_data(self, table):
        if self.model is None:
            self.rebuild()
            return
        if table in ("projects", "project_links"):
            wb = self._open()
            if wb is None:
                return
            try:
                # re-reads that table only (or only the rows the edit named) and recomputes what changed
                touched = self.model.reload_table(wb, table, ids=self.session.changed_rows(table))
            finally:
                wb.close()
            self._update_units(touched)
        elif table in ("stations", "station_capacity", "capacity_areas", "developments", "knooppunten",
                       "programme"):
            self.rebuild()

    # ---- views ---------------------------------------------------------------------------------------
    def current_level(self):
        return self.level.currentData() or "station"

    def _on_view_changed(self, *args):
        self._refresh_views()

    def _update_units(self, touched):
        """After an edit: only the table rows and map features of the units the model recomputed (issue 19);
        everything else stays.  Falls back to a full refresh when a unit is not in the table yet."""
        level = self.current_level()
        from .projects_dock import rows_of

        units = set(touched[0] if level == "station" else touched[1]) if touched is not None else None
        rows = rows_of(self.table, units or ())
        if units is None or any(u not in rows for u in units) or self.layer is None:
            self._refresh_views()
            return
        if units:
            from .projects_dock import fit_columns

            years = list(self.model.years)
            t = self.model.table(level, units=units)
            cols = set()
            for r in t.itertuples():
                y = int(r.year)
                if y in years:
                    self.table.setItem(rows[r.unit_id], years.index(y) + 1, self._cell_item(r._asdict(), y))
                    cols.add(years.index(y) + 1)
            fit_columns(self.table, sorted(rows[u] for u in units), cols=cols)
            self._update_layer(units=units)
        if not (touched[0] or touched[1]):
            return  # nothing recomputed (e.g. a status that does not change what counts): nothing else changes
        self._fill_unserved()
        self._on_unit_selected()

    def _refresh_views(self):
        self._fill_table()
        self._fill_unserved()
        keep = self.map_year.currentData()
        self.map_year.blockSignals(True)
        self.map_year.clear()
        for y in (self.model.years if self.model is not None else []):
            self.map_year.addItem(str(y), y)
        i = self.map_year.findData(keep)
        self.map_year.setCurrentIndex(i if i >= 0 else max(0, self.map_year.count() - 1))
        self.map_year.blockSignals(False)
        self._update_layer()
        self._on_unit_selected()

    def _cols(self):
        if self.direction.currentData() == "teruglevering":
            return "supply_balance_mw", "supply_status", "supply_capacity_mw", "supply_mw", "other_supply_mw"
        return "balance_mw", "status", "capacity_mw", "demand_mw", "other_demand_mw"

    def _fill_table(self):
        current = self._current_unit()
        self.table.clear()
        if self.model is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(1)
            self.table.setHorizontalHeaderLabels([tr("Eenheid")])
            return
        years = self.model.years
        t = self.model.table(self.current_level())
        self.table.setColumnCount(1 + len(years))
        self.table.setHorizontalHeaderLabels([tr("Station") if self.current_level() == "station" else
                                              tr("Knooppunt")] + [str(y) for y in years])
        units = t[["unit_id", "unit_name"]].drop_duplicates("unit_id")
        self.table.setRowCount(len(units))
        cells = {(r.unit_id, int(r.year)): r for r in t.itertuples()}
        for i, u in enumerate(units.itertuples()):
            item = QTableWidgetItem(u.unit_name or u.unit_id)
            item.setData(Qt.ItemDataRole.UserRole, u.unit_id)
            item.setToolTip(u.unit_id)
            self.table.setItem(i, 0, item)
            for j, y in enumerate(years):
                r = cells.get((u.unit_id, y))
                if r is None:
                    continue
                self.table.setItem(i, j + 1, self._cell_item(r._asdict(), y))
        from .projects_dock import fit_columns

        fit_columns(self.table)
        if current:
            for i in range(self.table.rowCount()):
                if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == current:
                    self.table.selectRow(i)
                    break

    def _cell_item(self, d, y):
        """The table cell of one unit and year (``d``: the table row as a dict)."""
        from ..programme.facts import worse

        bal, status, cap, dem, other = self._cols()
        known = bool(d[status])  # '' = onbekend: no known station limit, so no capacity or balance to show
        it = QTableWidgetItem(_num(d[bal]) if known else tr("onbekend"))
        it.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
        it.setBackground(QBrush(QColor(MAP_STATUS_COLOURS.get(d[status], "#dddddd"))))
        it.setForeground(QBrush(QColor(STATUS_TEXT_COLOURS.get(d[status], "#000000"))))  # readable on the colour
        tip = tr("{}: capaciteit {}, vraag {} MW, overige vraag {} MW, balans {} ({})").format(
            y, _num(d[cap]) + " MW" if known else tr("onbekend"), _num(d[dem]), _num(d[other]),
            _num(d[bal]) + " MW" if known else "–", balance_status_label(d[status]))
        both = worse(d.get("status"), d.get("supply_status"))  # programme.facts: the one summary rule
        tip += "\n" + tr("Samengevat (slechtste van afname en teruglevering): {}").format(
            balance_status_label(both))
        if d.get("capacity_note"):
            tip += "\n" + str(d["capacity_note"])
        if d.get("unserved_count"):
            tip += "\n" + tr("{} ontwikkeling(en) niet te bedienen").format(int(d["unserved_count"]))
        it.setToolTip(tip)
        return it

    UNSERVED_COLUMNS = ("dev_id", "name", "direction", "station_id", "year_ready", "shortfall_mw", "served_from_year")

    def _set_unserved_row(self, i, r):
        """The cells of one unserved row (``r``: values of UNSERVED_COLUMNS)."""
        dev, name, direction, station, year, short, served = (None if (v is None or v != v) else v for v in r)
        vals = [dev, name or "", direction, station or tr("geen"), str(int(year)) if year is not None else "",
                _num(short), str(int(served)) if served is not None else tr("niet")]
        for j, v in enumerate(vals):
            self.unserved.setItem(i, j, QTableWidgetItem(str(v)))

    def _fill_unserved(self):
        """The unserved list.  After an edit only the rows that changed are rewritten, and the developments that
        came or went inserted or removed (issue 19: the list holds tens of thousands of rows at national size):
        rows are matched by (development, direction), whose order in the list does not change with an edit."""
        import pandas as pd

        if self.model is None:
            self.unserved.setRowCount(0)
            self._unserved_shown = None
            return
        u = self.model.unserved(linked=False)
        cols = [u[c].to_numpy(dtype=object) for c in self.UNSERVED_COLUMNS]
        keys = pd.Index([d + "\x00" + str(r) for d, r in zip(cols[0].astype(str), cols[2])])
        old = getattr(self, "_unserved_shown", None)
        plan = self._unserved_plan(old, keys, cols) if old is not None else None
        if plan is None:  # first fill, or the rows cannot be matched: all rows
            self.unserved.setRowCount(len(u))
            for j in range(len(u)):
                self._set_unserved_row(j, [c[j] for c in cols])
        else:
            gone, new, changed = plan
            for r in gone[::-1]:
                self.unserved.removeRow(int(r))
            for j in new:  # ascending: the rows above j are the new list's rows above j
                self.unserved.insertRow(int(j))
                self._set_unserved_row(int(j), [c[j] for c in cols])
            for j in changed:
                self._set_unserved_row(int(j), [c[j] for c in cols])
        self._unserved_shown = (keys, cols)
        self.tabs.setTabText(1, tr("Niet tijdig bediend ({})").format(len(u)))

    def _unserved_plan(self, old, keys, cols):
        """(old rows to remove, new rows to insert, new rows to rewrite), or None to fill all rows."""
        import numpy as np

        from ..tabular import same_or_missing

        okeys, ocols = old
        if len(okeys) != self.unserved.rowCount() or not (okeys.is_unique and keys.is_unique):
            return None
        in_new = keys.get_indexer(okeys)
        in_old = okeys.get_indexer(keys)
        kept = np.flatnonzero(in_new >= 0)
        at = in_new[kept]
        if len(at) > 1 and not (np.diff(at) > 0).all():
            return None  # the order changed: not an edit of a few rows
        changed = np.zeros(len(keys), dtype=bool)
        for a, b in zip(ocols, cols):
            a, b = a[kept], b[at]
            changed[at[~same_or_missing(a, b)]] = True
        return np.flatnonzero(in_new < 0), np.flatnonzero(in_old < 0), np.flatnonzero(changed)

    def _current_unit(self):
        items = self.table.selectedItems()
        if not items:
            return None
        item = self.table.item(items[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_unit_selected(self):
        unit = self._current_unit()
        if self.model is None or unit is None:
            self.chart.set_series("", [])
            return
        s = self.model.unit_series(self.current_level(), unit)
        bal, status, cap, dem, other = self._cols()
        rows = [{"year": int(r["year"]), "capacity_mw": float(r[cap]) if r[status] else None,
                 "demand": float(r[dem] + r[other]), "status": r[status]} for r in s.to_dict("records")]
        name = s["unit_name"].iloc[0] if len(s) else unit
        self.chart.set_series("{} ({})".format(name or unit, self.direction.currentText().lower()), rows)

    # ---- map layer --------------------------------------------------------------------------------------
    def _ensure_layer(self, level):
        from ..layers.project import BALANCE_LAYER_PROPERTY, derived_balance_layers

        want = "Point" if level == "station" else "MultiPolygon"
        if self.layer is not None:
            try:
                if self.layer.customProperty(BALANCE_LAYER_PROPERTY) == level:
                    return self.layer
            except RuntimeError:
                self.layer = None
            self._remove_layer()
        from ..layers.project import style_by_status
        from ..provider.algorithms.project_algs import balance_fields

        fields = balance_fields()
        # A balance layer already in the project (e.g. brought back, empty, by a saved QGIS project) is taken over
        # with its place in the layer tree instead of adding a second one; any other is removed.
        adopted = None
        for old in derived_balance_layers():
            owner = _LAYER_OWNERS.get(old.id())
            if owner is not None and owner is not self:
                continue  # another balance dock's own layer (a second dock in a test, a floating copy)
            if (adopted is None and old.customProperty(BALANCE_LAYER_PROPERTY) == level
                    and old.providerType() == "memory" and old.fields().names() == fields.names()):
                adopted = old
            else:
                QgsProject.instance().removeMapLayer(old.id())
        layer = adopted
        if layer is None:
            layer = QgsVectorLayer("{}?crs=EPSG:28992".format(want), tr(LAYER_NAME), "memory")
            layer.setCustomProperty("skipMemoryLayersCheck", 1)  # rebuilt from the werkbank: no "scratch layer" prompt
            layer.dataProvider().addAttributes(fields.toList())
            layer.updateFields()
            layer.setCustomProperty(BALANCE_LAYER_PROPERTY, level)
        style_by_status(layer)  # the one palette, also on a layer taken over
        if adopted is None:
            QgsProject.instance().addMapLayer(layer, False)
            QgsProject.instance().layerTreeRoot().insertLayer(0, layer)
        self.layer = layer
        _LAYER_OWNERS[layer.id()] = self
        return layer

    def _update_layer(self, *args, units=None):
        """The map layer for the level, year and direction shown; with ``units`` only those units' features."""
        if self.model is None:
            self._remove_layer()
            return
        level = self.current_level()
        year = self.map_year.currentData()
        t = self.model.table(level, units=units)
        if year is not None:
            t = t[t["year"] == year]
        if not len(t) and units is None:
            self._remove_layer()
            return
        if self.direction.currentData() == "teruglevering":
            t = t.assign(status=t["supply_status"])
        layer = self._ensure_layer(level)
        from ..provider.algorithms.project_algs import balance_features

        src = self.model.inputs.stations if level == "station" else self.model.inputs.knooppunten
        key = "station_id" if level == "station" else "knooppunt_id"
        if units is not None:
            src = src[src[key].isin(list(units))]
        geoms = dict(zip(src[key], src.geometry))
        pr = layer.dataProvider()
        if units is None:
            pr.truncate()
        else:
            from qgis.core import QgsExpression, QgsFeatureRequest

            req = QgsFeatureRequest().setFilterExpression('"unit_id" IN ({})'.format(
                ", ".join(QgsExpression.quotedValue(u) for u in sorted(units)) or "NULL"))
            req.setFlags(QgsFeatureRequest.Flag.NoGeometry)
            req.setSubsetOfAttributes(["unit_id"], layer.fields())
            pr.deleteFeatures([f.id() for f in layer.getFeatures(req)])
        pr.addFeatures(balance_features(t, geoms, layer.fields()))
        layer.updateExtents()
        layer.triggerRepaint()

    def _remove_layer(self):
        if self.layer is None:
            return
        try:
            lid = self.layer.id()
            _LAYER_OWNERS.pop(lid, None)
            if QgsProject.instance().mapLayer(lid) is not None:
                QgsProject.instance().removeMapLayer(lid)
        except RuntimeError:
            pass
        self.layer = None

    def cleanup(self):
        """Disconnect every signal and remove the map layer (called by the plugin's unload)."""
        self._disconnect_all()
        self._remove_layer()
        self.model = None
