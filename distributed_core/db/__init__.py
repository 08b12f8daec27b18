"""Database backends of the core (see `sqlite3`)."""
