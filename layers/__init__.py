"""Loading data into the werkbank and showing werkbank tables as QGIS layers."""
