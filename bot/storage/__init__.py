"""The store's backends (SQLite, Postgres), their shared rows and migrations; callers
use `bot.store`."""
