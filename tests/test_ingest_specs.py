"""Every import's help lists every recognised column and the accepted values of its enumerated fields, from the
one spec registry; docs/imports.md is that registry, current; the README links it."""

import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ALGS = {"pmiek:importcapacitymap": ["capacity_areas"], "pmiek:importstations": ["stations", "station_capacity"],
        "pmiek:importdevelopments": ["developments"], "pmiek:importprojects": ["projects"],
        "pmiek:importknooppunten": ["knooppunten"], "pmiek:importlinks": ["project_links"],
        "pmiek:importscores": ["scores"], "pmiek:importactions": ["actions"],
        "pmiek:importmonitoring": ["monitoring"]}


@pytest.mark.parametrize("alg_id", sorted(ALGS))
def test_help_lists_every_recognised_column_and_value(pmiek_provider, alg_id):
    from qgis.core import QgsApplication

    from pmiek_werkbank.ingest.specs import spec

    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    text = alg.shortHelpString()
    for kind in ALGS[alg_id]:
        s = spec(kind)
        for field, names in s.columns:
            for n in names:
                assert n in text, (alg_id, field, n)
        for field, values in s.enums.items():
            for v in values:
                assert v in text, (alg_id, field, v)


def test_projects_help_names_the_columns_the_trial_missed(pmiek_provider):
    from qgis.core import QgsApplication

    text = QgsApplication.processingRegistry().algorithmById("pmiek:importprojects").shortHelpString()
    for col in ("vertrouwelijk", "fase", "reden opname", "gemeenten", "energiedrager"):
        assert col in text, col
    actions = QgsApplication.processingRegistry().algorithmById("pmiek:importactions").shortHelpString()
    assert "status: status, voortgang; waarden: gereed, lopend, open" in actions


def test_docs_imports_md_is_current_and_linked():
    from pmiek_werkbank.ingest.specs import markdown

    with open(os.path.join(ROOT, "docs", "imports.md"), encoding="utf-8") as f:
        assert f.read() == markdown(), "regenerate: python -m pmiek_werkbank.ingest.specs > docs/imports.md"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert "docs/imports.md" in readme


def test_table_kinds_are_specs_run_by_the_one_runner(werkbank):
    """Every table import is a spec with a validate hook the runner resolves; the hook refuses bad rows by row."""
    import pandas as pd

    from pmiek_werkbank.ingest import runner
    from pmiek_werkbank.ingest.errors import ImportFailed
    from pmiek_werkbank.ingest.specs import specs

    driven = {s.kind for s in specs() if s.validate}
    # every kind; the capacity table is part of a stations import (same transaction)
    assert driven == {"capacity_areas", "stations", "developments", "projects", "knooppunten", "project_links",
                      "scores", "actions", "monitoring"}
    assert {s.kind for s in specs() if not s.validate} == {"station_capacity"}
    for kind in driven:
        assert callable(runner.validator(kind)), kind
    werkbank.write_frame("projects", [{"project_id": "P1", "code": "UT-01", "name": "Station"}])
    frame = pd.DataFrame({"_row": [2, 3], "project": ["UT-01", "UT-09"], "activiteit": ["Overleg", "Iets"]})
    with pytest.raises(ImportFailed, match="acties.csv, rij 3, veld 'project': project 'UT-09' staat niet"):
        runner.run(werkbank, "actions", lambda: (frame, "acties.csv"))
    assert werkbank.count("actions") == 0
    out = runner.run(werkbank, "actions", lambda: (frame[:1], "acties.csv"))
    assert (out.counts["inserted"], out.n_input, out.source) == (1, 1, "acties.csv")
    again = runner.run(werkbank, "actions", lambda: (frame[:1], "acties.csv"))
    assert again.counts == {"inserted": 0, "updated": 0, "unchanged": 1}



def test_a_bad_row_of_a_table_kind_is_rejected_and_the_rest_imported(werkbank):
    """Not strict (the algorithms' and the wizard's default): the bad row is rejected with its source row number,
    field and Dutch message; the good rows are written; counts as every import."""
    import pandas as pd

    from pmiek_werkbank.ingest import runner

    werkbank.write_frame("projects", [{"project_id": "P1", "code": "UT-01", "name": "Station"}])
    frame = pd.DataFrame({"_row": [2, 3, 4, 5], "project": ["UT-01", "UT-09", "UT-01", "UT-01"],
                          "activiteit": ["Overleg", "Iets", "Vergunning", "Overleg"]})
    out = runner.run(werkbank, "actions", lambda: (frame, "acties.csv"), strict=False)
    assert out.counts == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert werkbank.count("actions") == 2
    rep = out.report
    assert (rep.input_rows, rep.imported, rep.rejected) == (4, 2, 2)
    rejected = {(p.row, p.field): p.problem for p in rep.errors()}
    assert rejected[(3, "project")] == "project 'UT-09' staat niet in de werkbank."
    assert 5 in {r for r, _ in rejected}  # a duplicate of row 2: the first is kept, the later one rejected
    assert [r[0] for r in out.rejections] == sorted(r[0] for r in out.rejections)
