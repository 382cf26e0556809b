"""Widgets: docks, dialogs, wizards and map tools.  Only this package and plugin.py touch qgis.gui."""
