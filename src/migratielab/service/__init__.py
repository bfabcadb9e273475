"""Use cases shared by the CLI, the HTTP API and reports (one module per question)."""
