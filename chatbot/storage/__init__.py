"""Persistence: engine factory, SQLModel tables, migrations and the repository."""
