"""Write the web atlas: one static folder that opens from ``file://`` and from any plain web server.

Layout of the folder::

    index.html                 map, searchable project list, ranking, afgevallen, differences, provenance
    fiches/<nr>_<naam>.html    one fiche per project (the same Jinja2 template as the HTML fiche) + _kaart.svg
    data/*.js                  the data as scripts that set a global (file:// forbids fetch() of JSON)
    assets/                    the atlas's own script and styles
    vendor/leaflet/            Leaflet 1.9.4 (BSD-2-Clause, LICENSE beside it)
    LEESMIJ.txt                what this is, sources, licences

Nothing needs the internet; a background map is only used when a tile URL is given.  The folder is built
next to the target and moved into place at the end, so a failure or cancel leaves nothing half-written; an
existing folder is only replaced when it is empty or an earlier web atlas.  Pure Python.
"""

import html as _html
import json
import os
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field

from ...knooppunten.balance import MAP_STATUS_COLOURS
from .. import html as H
from ..safety import unique_filenames

HERE = os.path.dirname(os.path.abspath(__file__))
SITE_DIR = os.path.join(HERE, "site")
PLUGIN_DIR = os.path.dirname(os.path.dirname(HERE))
VENDOR_DIR = os.path.join(PLUGIN_DIR, "resources", "web")
MARKER = ".pmiek-webatlas"
INDEX_TEMPLATE = "webatlas.html.j2"
# what the page's script needs per project (the rest of a row is in the HTML: list, ranking, afgevallen)
JS_PROJECT_KEYS = ("i", "id", "code", "name", "status", "status_label", "type", "type_label", "kp_id", "kp", "gem",
                   "rank", "range", "fiche")

class Cancelled(Exception):
    pass


@dataclass
class WebAtlasResult:
    folder: str
    index: str
    projects: int = 0
    fiches: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def check_basemap_url(url):
    """'' or a tile URL template (http(s) with {z}, {x} and {y} or {-y}); otherwise a Dutch ValueError."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("BASEMAP_URL '{}': geen http(s)-adres.".format(url))
    if "{z}" not in url or "{x}" not in url or ("{y}" not in url and "{-y}" not in url):
        raise ValueError("BASEMAP_URL '{}': een tegel-URL met {{z}}, {{x}} en {{y}} is nodig, bijvoorbeeld "
                         "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{{z}}/{{x}}/{{y}}"
                         ".png".format(url))
    return url


def _js(name, value):
    """A data script: ``window.NAME = JSON.parse("...")`` (parsed faster than a literal of the same size)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return "window.{} = JSON.parse({});\n".format(name, json.dumps(text, ensure_ascii=False))


def _json_default(v):
    try:
        import numpy as np

        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return None if v != v else float(v)
    except ImportError:  # pragma: no cover
        pass
    return str(v)


def _decorate(page, project_id, notice, included):
    """The fiche page as a web page: viewport, its responsive/contrast styles, a way back, the notice."""
    head = ('<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,"><link rel="stylesheet" href="../assets/fiche.css">')
    nav = ('<nav class="wa-nav" aria-label="Web-atlas"><a href="../index.html#p={}" target="_top">'
           '&larr; Terug naar de web-atlas</a></nav>').format(_html.escape(urllib.parse.quote(project_id, safe="")))
    if notice:
        nav += '<p class="{}">{}</p>'.format("wa-confidential" if included else "wa-note", _html.escape(notice))
    page = page.replace("</head>", head + "</head>", 1)
    # at phone width the wide tables scroll sideways by themselves (fiche.css): reachable with the keyboard
    for cls in ("compact", "balance"):
        page = page.replace('<table class="{}">'.format(cls), '<table class="{}" tabindex="0">'.format(cls))
    return page.replace("<body>", "<body>" + nav + "<main>", 1).replace("</body>", "</main></body>", 1)


def _prepare_target(folder):
    """Refuse a non-empty folder that is not an earlier web atlas (nothing is written then)."""
    if os.path.isfile(folder):
        raise ValueError("'{}' is een bestand; kies een map voor de web-atlas.".format(folder))
    if os.path.isdir(folder) and os.listdir(folder) and not os.path.exists(os.path.join(folder, MARKER)):
        raise ValueError("De map '{}' is niet leeg en bevat geen eerdere web-atlas; kies een lege of nieuwe "
                         "map.".format(folder))


def export_webatlas(wb, data, folder, title=None, basemap_url=None, template_dir=None, feedback=None):
    """Write the web atlas of ``data`` (an :class:`export.context.ExportData`) to ``folder``.

    Which projects appear is decided by ``data`` (``gather(..., include_confidential=...)``), nothing else.
    """
    from . import data as D
    from .maps import FicheMaps

    t0 = time.perf_counter()
    folder = os.path.abspath(folder)
    basemap_url = check_basemap_url(basemap_url)
    _prepare_target(folder)
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".webatlas-", dir=parent)
    result = WebAtlasResult(folder=folder, index=os.path.join(folder, "index.html"))
    try:
        _write(wb, data, tmp, title, basemap_url, template_dir, feedback, result, D, FicheMaps)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for root, _, files in os.walk(folder):
        for f in files:
            result.files += 1
            result.bytes += os.path.getsize(os.path.join(root, f))
    result.seconds = time.perf_counter() - t0
    return result


def _progress(feedback, value):
    if feedback is None:
        return
    if feedback.isCanceled():
        raise Cancelled()
    feedback.setProgress(value)


def _write(wb, data, out, title, basemap_url, template_dir, feedback, result, D, FicheMaps):
    projects = data.all_projects
    # the one confidentiality line of every output (programme.visibility via the export context)
    notice = getattr(data, "confidential_notice", "") or ""
    included = bool(getattr(data, "include_confidential", False))
    footer = dict(data.footer)
    if included and notice and notice not in footer.get("line1", ""):
        footer["line1"] = notice + " · " + footer.get("line1", "")
    title = (title or "").strip() or "Web-atlas {}".format(footer.get("programme") or "pMIEK")

    # vendored libraries and the atlas's own assets
    shutil.copytree(os.path.join(VENDOR_DIR, "leaflet"), os.path.join(out, "vendor", "leaflet"))
    os.makedirs(os.path.join(out, "assets"))
    for name in ("atlas.js", "atlas.css", "fiche.css"):
        shutil.copy2(os.path.join(SITE_DIR, name), os.path.join(out, "assets", name))
    _progress(feedback, 5)

    # fiche pages: the same template as the HTML fiche, with an SVG map
    stems = unique_filenames(["{}_{}".format(p["number"], p["name"]) if p.get("number") else p["name"]
                              for p in projects], default="project")  # the user's own number (export context)
    paths = {p["project_id"]: "fiches/{}.html".format(s) for p, s in zip(projects, stems)}
    site = D.build(wb, data)
    _progress(feedback, 30)
    maps = FicheMaps(wb, data, site.pop("gemeenten_rd"))
    os.makedirs(os.path.join(out, "fiches"))
    n = max(1, len(projects))
    for i, (p, stem) in enumerate(zip(projects, stems)):
        svg = maps.svg(p)
        image = None
        if svg:
            image = stem + "_kaart.svg"
            with open(os.path.join(out, "fiches", image), "w", encoding="utf-8") as f:
                f.write(svg)
        page = H.fiche_html(p, footer, mode="html", map_image=image, template_dir=template_dir)
        with open(os.path.join(out, "fiches", stem + ".html"), "w", encoding="utf-8") as f:
            f.write(_decorate(page, p["project_id"], notice, included))
        if i % 20 == 0:
            _progress(feedback, 30 + 60.0 * (i + 1) / n)
    result.fiches = len(projects)

    # data scripts
    rows = D.project_rows(data, paths)
    meta = {
        "title": title,
        "programme": footer.get("programme", ""),
        "province": footer.get("province", ""),
        "round": footer.get("round", ""),
        "peildatum": footer.get("peildatum", ""),
        "years": site["years"],
        "bbox": site["bbox"],
        "basemap": {"url": basemap_url, "attribution": "Achtergrondkaart: " + urllib.parse.urlsplit(
            basemap_url).netloc} if basemap_url else None,
        "status_labels": {k: v for k, v in _enum("PROJECT_STATUS").items()},
        "status_colours": MAP_STATUS_COLOURS,  # the one palette of balance statuses
        "confidential_notice": notice,
        "confidential_included": included,
    }
    os.makedirs(os.path.join(out, "data"))
    with open(os.path.join(out, "data", "atlas.js"), "w", encoding="utf-8") as f:
        f.write(_js("PMIEK", {"meta": meta, "projects": [{k: r[k] for k in JS_PROJECT_KEYS} for r in rows],
                              "stations": site["stations"]}))
    with open(os.path.join(out, "data", "geo.js"), "w", encoding="utf-8") as f:
        f.write(_js("PMIEK_GEO", {"projects": site["projects_fc"], "knooppunten": site["knooppunten_fc"],
                                  "gemeenten": site["gemeenten_fc"]}))
    with open(os.path.join(out, "data", "areas.js"), "w", encoding="utf-8") as f:
        f.write(_js("PMIEK_AREAS", site["areas"]))
    with open(os.path.join(out, "data", "developments.js"), "w", encoding="utf-8") as f:
        f.write(_js("PMIEK_DEVS", site["developments"]))

    # the page itself
    def options(values):
        return sorted({v for v in values if v}, key=lambda v: v.lower())

    filters = {
        "status": [(k, v) for k, v in _enum("PROJECT_STATUS").items() if any(r["status"] == k for r in rows)],
        "type": sorted({(r["type"], r["type_label"]) for r in rows if r["type"]}, key=lambda t: t[1].lower()),
        "kp": sorted({(r["kp_id"], r["kp"]) for r in rows if r["kp_id"]}, key=lambda t: t[1].lower()),
        "gem": options(g for r in rows for g in r["gem"]),
    }
    ranked = sorted((r for r in rows if r["rank"] is not None), key=lambda r: r["rank"])
    page = H.render(INDEX_TEMPLATE, SITE_DIR, title=title, footer=footer, notice=notice, included=included,
                    projects=rows,
                    filters=filters, ranked=ranked, afgevallen=[r for r in rows if r["status"] == "afgevallen"],
                    verschillen=data.round_diff, years=site["years"], stations=site["stations"],
                    counts=site["counts"], basemap=bool(basemap_url), warnings=data.warnings,
                    ranking_available=data.ranking_available, balance_available=data.balance_available,
                    rank_rule=getattr(data, "rank_rule", ""),
                    disputes=getattr(data, "disputes", []))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
    with open(os.path.join(out, "LEESMIJ.txt"), "w", encoding="utf-8") as f:
        f.write(_readme(title, footer, notice))
    with open(os.path.join(out, MARKER), "w", encoding="utf-8") as f:
        f.write("pMIEK Werkbank web-atlas\n")
    result.projects = len(rows)
    result.counts = dict(site["counts"], projects=len(rows))
    result.warnings = list(data.warnings)
    _progress(feedback, 100)


def _enum(name):
    from ...werkbank import enums as E

    return getattr(E, name)


def _readme(title, footer, notice):
    lines = [title, "=" * len(title), ""]
    if notice:
        lines += [notice, ""]
    lines += [
        "Open index.html in een webbrowser (dubbelklikken werkt; ook via elke gewone webserver of intranet).",
        "Er is geen internet nodig.",
        "",
        "Programma: {}".format(footer.get("programme", "")),
        "Ronde: {}".format(footer.get("round", "")),
        "Peildatum: {}".format(footer.get("peildatum", "")),
        footer.get("line2", ""),
        footer.get("disclaimer", ""),
        "",
        "Gemaakt met pMIEK Werkbank (GPL-2.0-or-later).",
        "Kaartbibliotheek: Leaflet 1.9.4, BSD-2-Clause, zie vendor/leaflet/LICENSE.",
    ]
    return "\n".join(lines) + "\n"
