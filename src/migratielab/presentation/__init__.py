"""The faces' shared presentation layer: one formatter, one palette, one fan chart, one catalogue.

The CLI, the dashboard and the reports draw and format through this package only; it may import
services, models and inputs, never a face.
"""
