"""gcpause.gc_paused: the cyclic collector is off inside the block and back in its earlier state afterwards; the
import runner and the balance run inside it (issue 19: collections grew with the data)."""

import gc

import pytest

from pmiek_werkbank.gcpause import gc_paused


def test_paused_inside_and_restored_after_also_after_an_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            raise ValueError("fout")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner block leaves it off for the outer one
            with gc_paused():
                pass
            assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_import_runner_reads_checks_and_writes_with_the_collector_paused(werkbank):
    import pandas as pd

    from pmiek_werkbank.ingest.runner import run

    seen = []
    frame = pd.DataFrame({"_row": [2], "naam": ["Station B"], "status": ["kandidaat"]})

    def read():
        seen.append(gc.isenabled())
        return frame, "lijst.xlsx"

    out = run(werkbank, "projects", read, strict=False)
    assert seen == [False] and gc.isenabled()
    assert out.counts["inserted"] == 1 and werkbank.count("projects", "name = 'Station B'") == 1
