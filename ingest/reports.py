"""Where an import report goes: REPORT when given, otherwise beside the werkbank
(``<werkbank>_importrapport_<kind>_<JJJJMMDD-UUMMSS>.html`` with a CSV twin); for a werkbank that is no file
(PostGIS) the temporary folder.  One rule for the algorithms and the wizard."""

import datetime
import os
import tempfile


def beside_werkbank(werkbank_target, kind, temp_dir=None):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = str(werkbank_target or "").split("|")[0]
    if target and os.path.isfile(target):
        base = os.path.splitext(os.path.abspath(target))[0]
        return "{}_importrapport_{}_{}.html".format(base, kind, stamp)
    return os.path.join(temp_dir or tempfile.gettempdir(), "importrapport_{}_{}.html".format(kind, stamp))


def write_both(report, html_path):
    """The report as HTML at ``html_path`` and as CSV beside it; returns (html, csv)."""
    csv_path = os.path.splitext(html_path)[0] + ".csv"
    report.write_html(html_path)
    report.write_csv(csv_path)
    return html_path, csv_path
