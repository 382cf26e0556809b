"""The import pipeline's shared pieces (issue 15): recode tables, station-id spellings, decisions that
survive a re-import.  The per-kind column specs live in ``layers.mapping``, the checks and the one report
type in ``layers.validation``, the runner in ``layers.importers``; see docs/imports.md.

Pure Python (pandas inside functions); no QGIS.
"""
