"""The atlas carries the differences with the previous round when PREVIOUS_ROUND is given (issue 10 x 7)."""

import os
import shutil

from conftest import run_alg
from helpers import pdf_text


def test_atlas_has_round_differences(sample_dir, tmp_path, pmiek_provider):
    from pmiek_werkbank.werkbank import open_werkbank

    previous = str(tmp_path / "ronde_1.gpkg")
    live = str(tmp_path / "ronde_2.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), previous)
    shutil.copyfile(previous, live)
    with open_werkbank(live) as wb:
        p = wb.read_frame("projects", geometry=False).set_index("code")
        soest = p.loc["12"] if "12" in p.index else p.iloc[0]
        wb.update_row("projects", soest["project_id"], {"ibn_year": int(soest["ibn_year"]) + 2},
                      int(soest["row_version"]))
        name = soest["name"]
    res = run_alg("pmiek:exportfiches", {"WERKBANK": live, "OUTPUT_FOLDER": str(tmp_path / "fiches"),
                                         "ATLAS": str(tmp_path / "atlas.pdf"), "PREVIOUS_ROUND": previous})
    text = " ".join(pdf_text(res["ATLAS"]).split())
    assert "Verschillen ten opzichte van de vorige ronde" in text
    assert "Verschillen met de vorige ronde (1 regel)" in text  # contents on the cover
    assert "IBN-jaar" in text and str(int(soest["ibn_year"]) + 2) in text
    assert " ".join(name.split()[:2]) in text
    plain = run_alg("pmiek:exportfiches", {"WERKBANK": live, "OUTPUT_FOLDER": str(tmp_path / "f2"),
                                           "ATLAS": str(tmp_path / "atlas2.pdf")})
    assert "vorige ronde" not in pdf_text(plain["ATLAS"])
