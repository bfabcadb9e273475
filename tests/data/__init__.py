"""Tests of the sourced statistics store (migratielab.data)."""
