"""Logging set-up: plain text or one JSON object per line, and quiet libraries."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# Libraries that log request bodies at DEBUG (Bolt logs the whole body of a badly
# signed request, the SDKs log payloads with people's inputs): never below INFO.
_CHATTY_LIBRARIES = ("slack_bolt", "slack_sdk", "mcp", "aiohttp", "aiosqlite")
# HTTP clients log every request at INFO; the MarketCore client logs one line per call.
_HTTP_CLIENTS = ("httpx2", "httpcore2", "httpx", "httpcore")

# Structured fields a record may carry (see bot/audit.py); JSON output lifts them up.
FIELDS_ATTRIBUTE = "fields"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, FIELDS_ATTRIBUTE, None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: int, log_format: str) -> None:
    """Root handler in the chosen format; libraries kept from logging payloads."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries(level)


def quiet_libraries(level: int) -> None:
    """Hold the libraries that log payloads at INFO (HTTP clients at WARNING) or above."""
    for name in _CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    for name in _HTTP_CLIENTS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


class _NoRequestBodies(logging.Filter):
    """Bolt logs the whole body of a badly signed request at INFO (people's inputs, a
    response URL): keep the fact, drop the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Invalid request signature detected"):
            record.msg = "Refused a request with an invalid or stale Slack signature"
            record.args = ()
        return True


_BOLT_FILTER = _NoRequestBodies()


def bolt_logger() -> logging.Logger:
    """The logger to give Bolt: its listeners' loggers copy this one's filters."""
    logger = logging.getLogger("slack_bolt")
    if _BOLT_FILTER not in logger.filters:
        logger.addFilter(_BOLT_FILTER)
    return logger
