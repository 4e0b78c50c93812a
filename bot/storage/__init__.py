"""Every SQL statement: one store per port (SQLite or PostgreSQL), memory twins, migrations."""
