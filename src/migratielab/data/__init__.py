"""Sourced statistics: bundled series with a registry, served from an embedded DuckDB store.

Use :mod:`migratielab.data.store` (``list_series``, ``series_info``, ``get_series``, ``annual``,
``connect``) to read, and :mod:`migratielab.data.importers` to add a CBS StatLine export.
"""
