"""The labour pillar: occupation-level labour market, shortage assessment, channels and levers.

Annual pillar over 114 BRC 2014 occupation groups (an array axis) and an ensemble of runs
(leading axis). ``data`` reads the bundled tables, ``shortage`` scores occupations on named
indicators and applies the "sensible" test, ``channels`` compares migration channels on broad
welfare, ``outlook`` is the pillar's state and annual ``step``, ``setup`` builds it from a scenario.
"""
