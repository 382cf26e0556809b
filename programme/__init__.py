"""Programme rounds, ontwikkelvarianten and data exchange (issue 10).  Pure logic, no QGIS.

- :mod:`.rounds`: freeze a round (read-only snapshot), start the next one, compare two rounds.
- :mod:`.variants`: ontwikkelvarianten (sets of projects + scenario), balance and scores per variant.
- :mod:`.exchange`: export/import a package (GeoPackage + GeoJSON + data dictionary + manifest).
- :mod:`.esdl_io`: ESDL export/import with the optional package ``pyesdl``.
- :mod:`.facts`: the one computation of rank, total, range, completeness, disputes and balance for every output.
- :mod:`.visibility`: the one rule which projects an output may show (confidential).
"""
