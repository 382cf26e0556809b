"""Afwegingskader: criteria, scores, ranking and sensitivity. Pure logic, no QGIS."""
