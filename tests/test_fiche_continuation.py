"""A fiche that runs onto a second page: the continuation page's header is one line, also for a long name."""

import subprocess

from test_export_data import FICHE_NAMES, build_export_werkbank


def test_continuation_title_is_one_line(qgis_app):
    from pmiek_werkbank.export import layouts as L
    from pmiek_werkbank.export.fiches import CONTINUATION_PT, continuation_title

    short = {"number": 7, "name": "Uitbreiding station Soest"}
    assert continuation_title(short) == "7. Uitbreiding station Soest (vervolg)"
    name = ("Uitbreiding HS/MS-station Lage Weide & omgeving <fase 2> met de zonnepark-aansluiting 'De Vaart' en "
            "een naam die maar doorloopt tot voorbij de rand")
    got = continuation_title({"number": 12, "name": name})
    assert got.startswith("12. Uitbreiding HS/MS-station Lage Weide") and got.endswith("… (vervolg)")
    assert name.startswith(got[len("12. "):-len("… (vervolg)")])  # cut at a word, nothing else changed
    for dpi in (72, 96, 300):
        assert L.text_width_mm(got, CONTINUATION_PT, bold=True, dpi=dpi) <= 190
    one_word = continuation_title({"number": None, "name": "X" * 300})
    assert one_word.endswith("… (vervolg)") and L.text_width_mm(one_word, CONTINUATION_PT, bold=True) <= 190


def test_long_name_on_a_continuation_page_in_the_pdf(tmp_path, qgis_app):
    """A user trial: a 120-character name on a fiche of two pages: page 2's header wrapped to a second line, cut in
    half by the rule under it.  In the PDF page 2 now starts with the shortened name and '(vervolg)' on one line."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout, export_fiches
    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    path = str(tmp_path / "w.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26").close()
    long_text = "\n".join("Alinea {}: ".format(i) + "de netcapaciteit is krap en de vraag groeit snel. " * 12
                          for i in range(1, 30))
    build_export_werkbank(path, long_narrative=long_text)
    name = FICHE_NAMES[0] + " en de aansluiting van zonnepark De Vaart op het net van de buurprovincie, fase twee"
    with open_werkbank(path) as wb:
        wb.execute("UPDATE projects SET name = ? WHERE name = ?", (name, FICHE_NAMES[0]))
    with open_werkbank(path, readonly=True) as wb:
        data = gather(wb)
        fiches = export_fiches(wb, data, str(tmp_path / "fiches"), fiche_layout=FicheLayout(wb, data))
    pdf = [f for f in fiches.pdfs if "aansluiting" in f][0]
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout
    first = [line for line in text.splitlines() if line.strip()][0].strip()
    assert first.endswith("… (vervolg)"), first
    assert name.split()[0] in first


def test_the_rank_reads_the_same_on_the_pdf_title_block_and_the_html_fiche(qgis_app):
    """Web-atlas trial R2: the PDF fiche's title block said 'rang 3' where the web fiche and the projectenlijst said
    'rang 3 (bereik 3–4)'. Both take export.context.rank_label."""
    from pmiek_werkbank.export.context import rank_label
    from pmiek_werkbank.export.layouts import subtitle

    assert rank_label(3, "3–4", "") == "rang 3 (bereik 3–4)"
    assert rank_label(2, "2", "") == "rang 2"
    assert rank_label(None, "", "afgevallen: geen rang") == "afgevallen: geen rang"
    p = {"type_infra_label": "Hoogspanningsstation", "knooppunt": "Sloe", "status_label": "Kandidaat",
         "rank_label": rank_label(3, "3–4", "")}
    assert subtitle(p) == "Hoogspanningsstation · Sloe · Kandidaat · rang 3 (bereik 3–4)"


def test_a_project_without_a_location_says_so_on_its_map(tmp_path, qgis_app):
    """Web-atlas trial R9: the fiche map of a project without geometry looked like any other (and with nothing
    linked it showed a fixed square near Utrecht, whatever the province). Its map now says what it shows, and with
    nothing to show it shows the province."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout, export_fiches
    from pmiek_werkbank.layers.validation import province_geometry
    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    path = str(tmp_path / "w.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26").close()
    build_export_werkbank(path)
    with open_werkbank(path) as wb:
        pid = wb.query("SELECT project_id FROM projects WHERE name = ?", (FICHE_NAMES[1],))[0]["project_id"]
        wb.execute("UPDATE projects SET geom = NULL, knooppunt_id = NULL, station_id = NULL WHERE project_id = ?",
                   (pid,))
        wb.execute("DELETE FROM project_links WHERE project_id = ?", (pid,))
    with open_werkbank(path, readonly=True) as wb:
        data = gather(wb)
        p = [q for q in data.projects if q["project_id"] == pid][0]
        others = [q for q in data.projects if q["project_id"] != pid]
        assert p["map_note"] == "Geen eigen locatie en niets gekoppeld: de kaart toont de provincie."
        assert p["extent"] == tuple(province_geometry("PV26").bounds)
        assert all(q["map_note"] == "" for q in others if q["project_id"] != pid)
        fiches = export_fiches(wb, data, str(tmp_path / "fiches"), fiche_layout=FicheLayout(wb, data))
    texts = {}
    for pdf in fiches.pdfs:
        texts[pdf] = " ".join(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                                             check=True).stdout.split())
    with_note = [f for f, t in texts.items() if "Geen eigen locatie en niets gekoppeld" in t]
    assert len(with_note) == 1 and FICHE_NAMES[1].split()[0] in texts[with_note[0]]


def test_the_smaller_developments_line_counts_what_the_links_carry(tmp_path, qgis_app):
    """QGIS 3.40 desktop trial F7: a fiche said 'Bedient … samen 61,6 MW vraag' and, under its table, 'en 16
    kleinere ontwikkelingen, samen 134,1 MW' - the full MW of those developments, not the halves the links carry.
    Both now count what the links carry (knooppunten.balance.link_share)."""
    import os
    import shutil

    from conftest import SAMPLE_DIR

    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.formatting import fmt_mw
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "w.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), path)
    with open_werkbank(path) as wb:
        pid = wb.query("SELECT project_id, COUNT(*) AS n FROM project_links GROUP BY project_id ORDER BY n DESC "
                       "LIMIT 1")[0]["project_id"]
        wb.execute("UPDATE project_links SET share_pct = 50, share_mw = NULL WHERE project_id = ?", (pid,))
    from pmiek_werkbank.export.context import _link_mw
    from pmiek_werkbank.programme.facts import programme_facts

    with open_werkbank(path, readonly=True) as wb:
        p = [q for q in gather(wb).projects if q["project_id"] == pid][0]
        serves = programme_facts(wb).serves(pid)
    rest = p["developments_rest"]
    assert len(rest) > 5
    full = sum((d["demand_mw"] or 0) or (d["supply_mw"] or 0) for d in rest)
    assert p["developments_rest_mw"] == fmt_mw(sum(d["counted_mw"] for d in rest)) != fmt_mw(full)
    # each link counts at most its half; together they are what 'Bedient … samen' says
    assert all(d["counted_mw"] <= ((d["demand_mw"] or 0) or (d["supply_mw"] or 0)) / 2 + 1e-9 for d in rest)
    assert fmt_mw(sum(d["counted_mw"] for d in p["developments"])) == fmt_mw(serves["mw"])
    assert _link_mw({"demand_mw": 8.0, "supply_mw": None, "share_mw": None, "share_pct": 50.0}) == 4.0
