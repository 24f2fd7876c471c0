"""Service functions: the application logic views and CLI commands call."""
