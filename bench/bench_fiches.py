"""Time per projectfiche page vs a plain single-map QGIS atlas page, same projects, same run.

Usage (QGIS environment as in the Makefile):
    .venv/bin/python bench/bench_fiches.py [--projects 100] [--werkbank path.gpkg] [--profile-layers N]

``--profile-layers N`` only prints the CPU time per fiche map of each map layer (with and without its labels)
over the first N fiches: where a fiche map's time goes.

Without --werkbank a werkbank with N fictitious projects is made from the sample
(projects copied and shifted; fictief voorbeeld).  The baseline is a QGIS
print layout with one atlas-driven map over the same coverage layer and the
same map layers, exported with QgsLayoutExporter.exportToPdf (one PDF); the
fiches are our atlas (cover and lists excluded from the per-page figure, they
are timed separately).  Prints seconds per page and the ratio (goal <= 3x).
A script, not a test.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build"))


def make_werkbank(n, folder):
    from pmiek_werkbank.werkbank import open_werkbank

    sample = os.path.join(ROOT, "resources", "sample", "voorbeeld_werkbank.gpkg")
    path = os.path.join(folder, "bench.gpkg")
    shutil.copyfile(sample, path)
    wb = open_werkbank(path)
    import shapely

    base = wb.read_frame("projects")
    base = base[(base["status"] != "afgevallen") & (base["confidential"] == 0)].reset_index(drop=True)
    links = wb.read_frame("project_links")
    rows, new_links = [], []
    i = 0
    while len(base) + len(rows) < n:
        src = base.iloc[i % len(base)]
        k = len(rows) + 1
        r = src.to_dict()
        r.pop("fid", None)
        r["project_id"] = "BENCH-{}".format(k)
        r["code"] = str(100 + k)
        r["name"] = "{} (kopie {})".format(src["name"], k)
        r["geom"] = shapely.affinity.translate(src["geometry"], xoff=(k % 7) * 500.0, yoff=(k % 5) * 400.0)
        r.pop("geometry", None)
        rows.append(r)
        for _, lk in links[links["project_id"] == src["project_id"]].iterrows():
            new_links.append({"link_id": "BL-{}-{}".format(k, lk["dev_id"]), "project_id": r["project_id"],
                              "dev_id": lk["dev_id"], "share_mw": lk["share_mw"], "share_pct": lk["share_pct"]})
        i += 1
    if rows:
        wb.write_frame("projects", rows, mode="insert")
        wb.write_frame("project_links", new_links, mode="insert")
    wb.close()
    return path


def werkbank_from(source, n, folder):
    """A copy of the benchmark werkbank ``source`` (bench/data.py, e.g. province size: 20,000 developments,
    1,000 stations and capacity areas) keeping its first ``n`` projects (by fid; links, ratings etc. of the
    others go with them).  Every fiche map then has the real context density of a province."""
    from pmiek_werkbank.werkbank import open_werkbank

    path = os.path.join(folder, "bench_{}.gpkg".format(n))
    shutil.copyfile(source, path)
    wb = open_werkbank(path)
    try:
        keep = [r["fid"] for r in wb.query("SELECT fid FROM projects ORDER BY fid LIMIT ?", (int(n),))]
        if keep:
            wb.delete("projects", "fid > ?", (keep[-1],))
    finally:
        wb.close()
    return path


def baseline(fl, out):
    """A plain atlas: one map (same layers, same coverage), one label; QGIS's own PDF export."""
    from qgis.core import (
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemMap,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsPrintLayout,
    )

    layout = QgsPrintLayout(fl.project)
    layout.initializeDefaults()
    m = QgsLayoutItemMap(layout)
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(10, 27))
    m.attemptResize(QgsLayoutSize(190, 72))
    m.setLayers(fl.map_layers)
    m.setExtent(fl.coverage.extent())
    m.setAtlasDriven(True)
    label = QgsLayoutItemLabel(layout)
    label.setText('[% "name" %]')
    layout.addLayoutItem(label)
    label.attemptMove(QgsLayoutPoint(10, 10))
    label.attemptResize(QgsLayoutSize(190, 10))
    atlas = layout.atlas()
    atlas.setCoverageLayer(fl.coverage)
    atlas.setEnabled(True)
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 300
    t = time.perf_counter()
    res, err = QgsLayoutExporter.exportToPdf(atlas, out, settings)
    dt = time.perf_counter() - t
    if res != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(err)
    return dt, atlas.count()


def _one_round(wb, data, folder, k):
    """One timed pair: the plain QGIS atlas (s/page) and our atlas (s/fiche page), each on a fresh layout."""
    import gc

    from pmiek_werkbank.export.atlas import export_atlas
    from pmiek_werkbank.export.fiches import FicheLayout

    fl = FicheLayout(wb, data)  # layers (municipalities: the default, as pmiek:exportfiches) + template, untimed
    try:
        t_base, n_base = baseline(fl, os.path.join(folder, "baseline_{}.pdf".format(k)))
        gc.collect()
        res = export_atlas(wb, data, os.path.join(folder, "atlas_{}.pdf".format(k)), fiche_layout=fl)
    finally:
        fl.close()
    fiche_pages = sum(res.fiche_pages.values())
    return t_base / max(1, n_base), res.seconds / max(1, fiche_pages), res, n_base


def profile_layers(fl, projects):
    """Where a fiche map's time goes: CPU seconds per map for each map layer drawn alone, with and without its
    labels, and for the whole map, over ``projects`` (each put on ``fl``, a FicheLayout, first).  The map is
    drawn as the fiche draws it (the map item's settings at the export resolution, linked developments by the
    fiche's id list).  Returns ``{layer name or "kaart": (with labels, without labels)}``."""
    import resource

    from qgis.core import Qgis, QgsMapRendererCustomPainterJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSizeF
    from qgis.PyQt.QtGui import QImage, QPainter

    from pmiek_werkbank.export import layouts as L

    def cpu():  # all threads of the process: the map jobs draw in a worker thread
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def draw(settings):
        image = QImage(settings.outputSize(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        t = cpu()
        job = QgsMapRendererCustomPainterJob(settings, painter)
        job.start()
        job.waitForFinished()
        painter.end()
        return cpu() - t

    totals = {}
    rect = fl.map.rect()
    size = QSizeF(rect.width() * L.DPI / 25.4, rect.height() * L.DPI / 25.4)
    for p in projects:
        fl.prepare(p)
        linked = '"dev_id" IN ({})'.format(L.quote_list(d["dev_id"] for d in p["developments"]))
        for rule in fl._linked_rules:  # as FicheLayout._show_map_image draws it
            rule.setFilterExpression(linked)
        try:
            base = fl.map.mapSettings(fl.map.extent(), size, L.DPI, True)
            for layer in fl.map_layers + [None]:
                key = layer.name() if layer is not None else "kaart"
                for labels in (True, False):
                    settings = QgsMapSettings(base)
                    settings.setLayers([layer] if layer is not None else fl.map_layers)
                    settings.setFlag(Qgis.MapSettingsFlag.DrawLabeling, labels)
                    pair = totals.setdefault(key, [0.0, 0.0])
                    pair[0 if labels else 1] += draw(settings)
        finally:
            for rule in fl._linked_rules:
                rule.setFilterExpression(L.LINKED)
    n = max(1, len(projects))
    return {k: (v[0] / n, v[1] / n) for k, v in totals.items()}


def bench_case(ds=None, repeat=3, scratch=None, n_projects=100, stats=None, row=None, growth_projects=300):
    """Case P2 of ``bench/run.py``.

    With the runner's dataset (``ds``, province size: 20,000 developments, 1,000 stations and capacity areas)
    the werkbank is that dataset with its first ``n_projects`` projects (:func:`werkbank_from`), so every
    fiche map has a province's context (a dataset with fewer projects, such as tiny, gives at most a third of
    them and all of them); without ``ds`` the sample copied ``n_projects`` times (fictief voorbeeld).  A
    QgsApplication must exist.

    Measured (each on a fresh FicheLayout, whose construction is not timed):

    * P2: seconds per fiche page of our atlas vs per page of a plain one-map QGIS atlas (same layers and
      coverage; once, it is slow at province size), goal <= 3x;
    * P2-atlas: the whole atlas (planning, cover, lists, fiches, afgevallen), goal <= 30 s for 100 projects;
    * P2-export: the full export as pmiek:exportfiches writes it (export_fiches_and_atlas: per project PDF,
      HTML and PNG, plus the atlas) vs the atlas alone, goal <= 1.5x;
    * P2-growth: seconds per fiche project of the full export at ``growth_projects`` vs at ``n_projects``
      (linear growth: <= 1.2x).

    With ``stats`` and ``row`` (bench/run.py's) the result is ``{"rows": [...]}``; without, a dict of lists.
    """
    import gc

    from pmiek_werkbank.export.atlas import export_atlas, export_fiches_and_atlas
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout
    from pmiek_werkbank.werkbank import open_werkbank

    gm = None  # the default municipalities (all of the Netherlands), as pmiek:exportfiches without GEMEENTEN
    folder = tempfile.mkdtemp(prefix="p2_", dir=scratch)
    real = ds is not None and ds.counts.get("projects", 0) > 0
    if real:  # a smaller dataset (tiny: 20 projects) gives smaller counts, same cases
        count = ds.counts["projects"]
        n_projects, growth_projects = min(n_projects, max(1, count // 3)), min(growth_projects, count)

    def werkbank(n):
        return werkbank_from(ds.werkbank, n, folder) if real else make_werkbank(n, folder)

    def timed_export(wb, data, k):
        fl = FicheLayout(wb, data, gemeenten_path=gm)
        try:
            gc.collect()
            t = time.perf_counter()
            export_fiches_and_atlas(wb, data, os.path.join(folder, "fiches_{}".format(k)),
                                    os.path.join(folder, "export_atlas_{}.pdf".format(k)), fiche_layout=fl)
            return time.perf_counter() - t
        finally:
            fl.close()
            shutil.rmtree(os.path.join(folder, "fiches_{}".format(k)), ignore_errors=True)

    try:
        path = werkbank(n_projects)
        plugin, reference, atlas, export = [], [], [], []
        with open_werkbank(path, readonly=True) as wb:
            t = time.perf_counter()
            data = gather(wb)
            t_gather = time.perf_counter() - t
            n_fiche = len(data.projects)
            for k in range(1, repeat + 1):
                if k == 1:
                    base, fiche, res, n_base = _one_round(wb, data, folder, k)
                    reference.append(base)
                    plugin.append(fiche)
                    atlas.append(res.seconds)
                else:
                    fl = FicheLayout(wb, data, gemeenten_path=gm)
                    try:
                        gc.collect()
                        res = export_atlas(wb, data, os.path.join(folder, "atlas_{}.pdf".format(k)), fiche_layout=fl)
                    finally:
                        fl.close()
                    atlas.append(res.seconds)
                    plugin.append(res.seconds / max(1, sum(res.fiche_pages.values())))
                export.append(timed_export(wb, data, k))
        grow_path = werkbank(growth_projects)
        with open_werkbank(grow_path, readonly=True) as wb:
            data_g = gather(wb)
            n_grow = len(data_g.projects)
            t_grow = timed_export(wb, data_g, "groei")
        per_small = [x / max(1, n_fiche) for x in export]
        per_big = [t_grow / max(1, n_grow)]
        fiche_pages = sum(res.fiche_pages.values())
        source = ("provinciewerkbank ({} ontwikkelingen, {} stations)".format(ds.counts["developments"],
                                                                             ds.counts["stations"])
                  if real else "voorbeeldwerkbank (projecten gekopieerd)")
        out = {
            "plugin": plugin, "reference": reference, "atlas": atlas, "export": export,
            "per_project": {n_fiche: per_small, n_grow: per_big},
            "plugin_label": "projectfiche-atlas ({} fiches uit {} projecten, {} fichepagina's, {} pagina's totaal, "
                            "{}), s per fichepagina incl. planning, omslag en lijsten".format(
                                n_fiche, n_projects, fiche_pages, res.pages, source),
            "reference_label": "QGIS-atlas met één kaart en één label ({} pagina's), s per pagina".format(n_base),
            "notes": ["gegevens verzamelen (gather) {:.2f} s, niet meegeteld".format(t_gather)],
            "extra": {"projects": n_fiche, "fiche_pages": fiche_pages, "atlas_pages": res.pages,
                      "atlas_seconds": atlas, "export_seconds": export, "gather_seconds": t_gather,
                      "growth_projects": n_grow, "growth_export_seconds": t_grow, "werkbank": source},
        }
        if stats is None or row is None:
            return out
        s_atlas, s_export = stats(atlas), stats(export)
        rows = [
            row("P2", "Projectfiche-atlas, tijd per pagina ({} projecten, {})".format(n_projects, source),
                stats(plugin), stats(reference), goal="≤ 3× QGIS-atlas", goal_value=3.0,
                plugin_label=out["plugin_label"], reference_label=out["reference_label"], notes=out["notes"],
                extra=out["extra"]),
            row("P2-atlas", "Atlas met {} projecten ({} fiches), hele atlas".format(n_projects, n_fiche), s_atlas,
                None, goal="≤ 30 s (100 projecten)", goal_kind="absolute", goal_value=30.0 * n_projects / 100,
                plugin_label="export_atlas: planning, omslag, lijsten, fiches, afgevallen",
                notes=["{:.2f} s per fiche".format(s_atlas["median"] / max(1, n_fiche))]),
            row("P2-export", "Volledige export (fiches PDF/HTML/PNG + atlas) vs alleen de atlas, {} projecten".format(
                n_projects), s_export, s_atlas, goal="≤ 1,5× atlas", goal_value=1.5,
                plugin_label="export_fiches_and_atlas (wat pmiek:exportfiches doet; elke kaart één keer getekend)",
                reference_label="export_atlas alleen"),
            row("P2-growth", "Volledige export per project: {} vs {} fiches (lineaire groei)".format(n_grow, n_fiche),
                stats(per_big), stats(per_small), goal="≤ 1,2× (lineair)", goal_value=1.2,
                plugin_label="s per fiche bij {} fiches ({:.1f} s totaal)".format(n_grow, t_grow),
                reference_label="s per fiche bij {} fiches".format(n_fiche)),
        ]
        return {"rows": rows}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--werkbank")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--profile-layers", type=int, default=0, metavar="N",
                    help="only: CPU time per fiche map per layer (with/without labels) over the first N fiches")
    args = ap.parse_args()
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from pmiek_werkbank.export.atlas import export_atlas
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout
    from pmiek_werkbank.werkbank import open_werkbank

    folder = tempfile.mkdtemp(prefix="pmiek_bench_")
    path = args.werkbank or make_werkbank(args.projects, folder)
    with open_werkbank(path, readonly=True) as wb:
        t = time.perf_counter()
        data = gather(wb)
        t_gather = time.perf_counter() - t
        if args.profile_layers:
            fl = FicheLayout(wb, data)  # the default municipalities, as pmiek:exportfiches and case P2
            try:
                prof = profile_layers(fl, data.projects[:args.profile_layers])
            finally:
                fl.close()
            print("CPU s per fichekaart ({} fiches): met labels / zonder labels".format(
                min(args.profile_layers, len(data.projects))))
            for name, (with_labels, without) in prof.items():
                print("  {:<28} {:.3f} / {:.3f}".format(name, with_labels, without))
            shutil.rmtree(folder, ignore_errors=True)
            return
        fl = FicheLayout(wb, data, gemeenten_path=os.path.join(ROOT, "resources", "sample", "gemeenten.gpkg"))
        t_base, n_base = baseline(fl, os.path.join(folder, "baseline.pdf"))
        res = export_atlas(wb, data, os.path.join(folder, "atlas.pdf"), fiche_layout=fl)
        fl.close()
    fiche_pages = sum(res.fiche_pages.values())
    per_base = t_base / max(1, n_base)
    # the atlas time includes the planning pass, cover and lists: all charged to the fiche pages
    per_fiche = res.seconds / max(1, fiche_pages)
    print("projecten met fiche: {}, fichepagina's: {}, atlaspagina's: {}".format(len(data.projects), fiche_pages,
                                                                                  res.pages))
    print("gegevens verzamelen: {:.2f} s".format(t_gather))
    print("gewone QGIS-atlas (1 kaart): {:.2f} s voor {} pagina's = {:.3f} s/pagina".format(t_base, n_base,
                                                                                           per_base))
    print("pMIEK-atlas: {:.2f} s = {:.3f} s per fichepagina (incl. omslag, lijsten, planning)".format(
        res.seconds, per_fiche))
    print("verhouding: {:.2f}x (doel <= 3x)".format(per_fiche / per_base if per_base else float("nan")))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print("bestanden in", folder)


if __name__ == "__main__":
    main()
