"""The application shared by every surface: config, database, models, use cases, realtime, CLI."""
