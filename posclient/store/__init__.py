"""Local store: SQLite schema, migrations and queries."""
