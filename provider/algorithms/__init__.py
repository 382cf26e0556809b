"""One module per algorithm group; each module defines ``ALGORITHMS = [Class, ...]``.

The provider discovers these modules.  Keep module-level imports light: import
geopandas/pandas inside ``processAlgorithm``.
"""
