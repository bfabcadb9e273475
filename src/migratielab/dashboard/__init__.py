"""The web dashboard: server-rendered pages, templates and static files (plotly.js from its package)."""
