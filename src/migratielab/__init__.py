"""migratielab: integrated, fact-based modelling of Dutch migration policy."""

__version__ = "0.1.0"
