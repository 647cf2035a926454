"""Planning regions and municipalities: the reference data everything else points at."""
