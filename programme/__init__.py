"""Programme rounds, ontwikkelvarianten and data exchange (issue 10).  Pure logic, no QGIS.

- :mod:`.rounds`: freeze a round (read-only snapshot), start the next one, compare two rounds.
- :mod:`.variants`: ontwikkelvarianten (sets of projects + scenario), balance and scores per variant.
- :mod:`.exchange`: export/import a package (GeoPackage + GeoJSON + data dictionary + manifest).
- :mod:`.esdl_io`: ESDL export/import with the optional package ``pyesdl``.
- :mod:`.adapters`: lazy bridges to the capacity balance (knooppunten) and the ranking (scoring).
"""
