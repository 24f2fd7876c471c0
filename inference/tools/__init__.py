"""Developer tools for `inference` (not imported at run time)."""
