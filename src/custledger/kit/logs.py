"""Structured (JSON line) logs. Only what is safe: never headers, bodies, tokens or secrets."""

from __future__ import annotations

import logging
import sys
from typing import Any

from custledger.kit.jsonutil import dumps
from custledger.kit.requestid import current_request_id

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": current_request_id(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return dumps(entry).decode()


def configure(level: str = "INFO") -> None:
    # What our lines never show is not collected for every record (the logging manual's
    # "Optimization": no caller lookup, thread or process details).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("custledger")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
