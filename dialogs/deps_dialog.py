"""'Afhankelijkheden controleren': which Python packages the plugin has, what is missing or off, and the
exact command to install it on Windows (OSGeo4W), Debian/Ubuntu (apt) or macOS; plus a warning when a
second GDAL/PROJ is (about to be) loaded.  All facts come from ``deps.report()``.
"""

import html

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from .. import deps

PLATFORMS = (("windows", "Windows (OSGeo4W Shell)"), ("debian", "Debian / Ubuntu (apt)"), ("macos", "macOS"))


def tr(text):
    return QCoreApplication.translate("DepsDialog", text)


def report_html(report):
    rows = []
    for r in report["rows"]:
        state = r.get("state") or ("in orde" if r["ok"] else ("uit" if r["feature"].startswith("optioneel")
                                                                else "ONTBREEKT"))
        colour = "#2e8540" if r["ok"] else ("#6b7785" if state == "uit" else "#c0392b")
        rows.append("<tr><td><b>{}</b></td><td>{}</td><td>{}</td><td style='color:{}'><b>{}</b></td><td>{}</td></tr>"
                    .format(html.escape(r["package"]), html.escape(r["version"] or "–"), html.escape(r["needed"]),
                            colour, state, html.escape(r["feature"])))
    parts = ["<table cellspacing='0' cellpadding='3' width='100%'>"
             "<tr><th align='left'>Pakket</th><th align='left'>Versie</th><th align='left'>Nodig</th>"
             "<th align='left'>Status</th><th align='left'>Waarvoor</th></tr>" + "".join(rows) + "</table>"]
    if report["problems"]:
        parts.append("<p style='color:#c0392b'><b>Nodig maar ontbreekt:</b> {}. Zonder deze pakketten werken de "
                     "Processing-algoritmen en docks die ze gebruiken niet.</p>".format(
                         html.escape(", ".join("{} ({})".format(d, why) for d, why in report["problems"]))))
    elif not report["missing"]:
        parts.append("<p style='color:#2e8540'><b>Alle pakketten zijn aanwezig.</b></p>")
    via = report.get("io_label")
    parts.append("<p>Bestanden lezen en schrijven via: <b>{}</b>.</p>".format(html.escape(via)) if via else
                 "<p style='color:#c0392b'><b>Geen module om bestanden te lezen</b> (pyogrio, fiona of QGIS).</p>")
    for w in report["conflicts"]:
        parts.append("<p style='color:#c0392b'><b>Let op:</b> {}</p>".format(html.escape(w)))
    return "".join(parts)


class DepsDialog(QDialog):
    def __init__(self, iface=None, session=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setWindowTitle(tr("pMIEK Werkbank – afhankelijkheden"))
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Installeren op:"), self))
        self.platform = QComboBox(self)
        for key, label in PLATFORMS:
            self.platform.addItem(tr(label), key)
        row.addWidget(self.platform, 1)
        self.copy_button = QPushButton(tr("Opdracht kopiëren"), self)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.command = QPlainTextEdit(self)
        self.command.setReadOnly(True)
        self.command.setTabChangesFocus(True)  # Tab moves on (dialogs/keys.py)
        self.command.setMaximumHeight(90)
        layout.addWidget(self.command)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.refresh_button = buttons.addButton(tr("Opnieuw controleren"), QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)
        self.platform.currentIndexChanged.connect(self._show_command)
        self.copy_button.clicked.connect(self._copy)
        self.report = None
        self.refresh()
        index = self.platform.findData(self.report["platform"])
        self.platform.setCurrentIndex(max(0, index))

    def refresh(self):
        self.report = deps.report()
        self.browser.setHtml(report_html(self.report))
        self._show_command()

    def _show_command(self, *args):
        key = self.platform.currentData()
        commands = self.report["commands"] if self.report else {}
        text = commands.get(key, "") if commands else ""
        self.command.setPlainText(text or tr("Niets te installeren."))
        self.copy_button.setEnabled(bool(text))

    def _copy(self):
        QApplication.clipboard().setText(self.command.toPlainText())

    def cleanup(self):
        pass
