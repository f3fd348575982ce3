"""The central inventory service: FastAPI over SQLAlchemy Core, SQLite or PostgreSQL."""
