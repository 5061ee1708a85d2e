"""Serving ASGI apps on loopback for scenario tests; it lives in the product's playground."""

from bot.playground.serving import running_server

__all__ = ["running_server"]
