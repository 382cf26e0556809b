"""Time per projectfiche page vs a plain single-map QGIS atlas page, same projects, same run.

Usage (QGIS environment as in the Makefile):
    .venv/bin/python bench/bench_fiches.py [--projects 100] [--werkbank path.gpkg]

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

    gm = os.path.join(ROOT, "resources", "sample", "gemeenten.gpkg")
    fl = FicheLayout(wb, data, gemeenten_path=gm)  # layers + template, untimed for both sides
    try:
        t_base, n_base = baseline(fl, os.path.join(folder, "baseline_{}.pdf".format(k)))
        gc.collect()
        res = export_atlas(wb, data, os.path.join(folder, "atlas_{}.pdf".format(k)), fiche_layout=fl)
    finally:
        fl.close()
    fiche_pages = sum(res.fiche_pages.values())
    return t_base / max(1, n_base), res.seconds / max(1, fiche_pages), res, n_base


def bench_case(ds=None, repeat=3, scratch=None, n_projects=100):
    """Case P2 of ``bench/run.py``: seconds per fiche page vs per plain atlas page, alternately, same run.

    ``ds`` (the runner's dataset) is not used: the fiches need the sample's full project texts, so a werkbank
    with ``n_projects`` projects is made from the sample (fictief voorbeeld).  A QgsApplication must exist.
    One untimed warm-up round, then ``repeat`` rounds; each round builds a fresh FicheLayout (untimed), exports
    the plain one-map atlas (QgsLayoutExporter.exportToPdf, timed) and then our whole atlas (planning pass,
    cover, lists, fiches, afgevallen; all charged to the fiche pages).
    """
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    folder = tempfile.mkdtemp(prefix="p2_", dir=scratch)
    try:
        path = make_werkbank(n_projects, folder)
        plugin, reference = [], []
        with open_werkbank(path, readonly=True) as wb:
            t = time.perf_counter()
            data = gather(wb)
            t_gather = time.perf_counter() - t
            _one_round(wb, data, folder, 0)  # warm-up (fonts, WebKit, GDAL caches)
            for k in range(1, repeat + 1):
                base, fiche, res, n_base = _one_round(wb, data, folder, k)
                reference.append(base)
                plugin.append(fiche)
        fiche_pages = sum(res.fiche_pages.values())
        return {
            "plugin": plugin,
            "reference": reference,
            "plugin_label": "projectfiche-atlas ({} projecten, {} fichepagina's, {} pagina's totaal), s per "
                            "fichepagina incl. planning, omslag en lijsten".format(len(data.projects), fiche_pages,
                                                                                 res.pages),
            "reference_label": "QGIS-atlas met één kaart en één label ({} pagina's), s per pagina".format(n_base),
            "notes": ["gegevens verzamelen (gather) {:.2f} s, niet meegeteld; atlas {:.1f} s".format(
                t_gather, res.seconds)],
            "extra": {"projects": len(data.projects), "fiche_pages": fiche_pages, "atlas_pages": res.pages,
                      "atlas_seconds": res.seconds, "gather_seconds": t_gather,
                      "warnings": len(res.warnings), "notes": len(res.notes)},
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--werkbank")
    ap.add_argument("--keep", action="store_true")
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
