"""Afwegingskader: criteria, scores, ranking and sensitivity. Pure logic, no QGIS.

Modules: ``criteria`` (load/validate/import/export, weights), ``scores``
(record/import ratings, consensus), ``evidence`` (facts for A, C, F, H),
``ranking`` (totals, ranks, sensitivity), ``decisions`` (opgenomen/afgevallen).
Import the modules themselves; this package imports nothing heavy.
"""
