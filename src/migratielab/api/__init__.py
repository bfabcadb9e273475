"""HTTP API and dashboard server: ``create_app()`` builds the FastAPI application."""

from migratielab.api.app import create_app
from migratielab.api.pool import Settings

__all__ = ["Settings", "create_app"]
