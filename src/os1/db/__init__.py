"""The database: one store for the whole application (store.py: SQLite in WAL mode, one writer thread, query-only
readers), its schema and migrations (migrations.py), and the per-person settings kept in it, each under a named,
typed key (state.py)."""
