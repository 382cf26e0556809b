"""The import pipeline's shared pieces (issue 15): the one reader, the column specs and the one recogniser
(``columns``), the spec registry that help and docs/imports.md come from (``specs``), recode tables, station-id
spellings, decisions that survive a re-import, the report's place.  The checks and the one report type are in
``layers.validation``, the runner for layers in ``layers.importers``; see docs/imports.md.

Pure Python (pandas inside functions); no QGIS.
"""
