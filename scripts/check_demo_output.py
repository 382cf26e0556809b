"""After `make demo`: the atlas and every fiche PDF carry their text (not only title and map).

Usage: python3 scripts/check_demo_output.py DEMO_OUT   (exit 1 with a Dutch message when not)
"""

import glob
import os
import subprocess
import sys

SECTIONS = ("Algemene gegevens", "Reden van opname", "Afwegingskader", "Capaciteitsbalans")


def text_of(pdf):
    return " ".join(subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def main(out):
    problems = []
    atlas = os.path.join(out, "energyboard_atlas.pdf")
    fiches = sorted(glob.glob(os.path.join(out, "fiches", "*.pdf")))
    if not os.path.exists(atlas):
        problems.append("atlas ontbreekt: " + atlas)
    if not fiches:
        problems.append("geen fiches in " + os.path.join(out, "fiches"))
    for pdf in ([atlas] if os.path.exists(atlas) else []) + fiches:
        text = text_of(pdf)
        missing = [s for s in SECTIONS if s not in text]
        if missing:
            problems.append("{}: tekst ontbreekt ({})".format(os.path.basename(pdf), ", ".join(missing)))
    if problems:
        print("FOUT in de demo-uitvoer:\n  " + "\n  ".join(problems))
        return 1
    print("demo-uitvoer: atlas en {} fiches bevatten hun tekst".format(len(fiches)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "demo_output"))
