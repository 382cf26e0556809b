"""Knooppunten, projects, links and the capacity balance. Pure logic, no QGIS."""
