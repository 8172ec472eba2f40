"""Who a log line is about: request, organisation, task and channel ids on every record.

The ids live in context variables: a middleware sets the request id and organisation, Celery's
signals the task, and code that works for one channel binds it with `log_context`. Every record
made in the process carries them (`record.ids`), and `KLANKBORD_LOG_FORMAT=json` writes each
record as one JSON object per line.
"""

import contextvars
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

IDS = ("request_id", "organisation", "task", "task_id", "channel")
_ids: dict[str, contextvars.ContextVar[str]] = {
    name: contextvars.ContextVar(name, default="") for name in IDS
}
# What every LogRecord has by itself; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "ids", "asctime"}


def current_ids() -> dict[str, str]:
    return {name: value for name, var in _ids.items() if (value := var.get())}


def bind(**ids: object) -> None:
    """Set ids for the rest of this context (a request, a task)."""
    for name, value in ids.items():
        _ids[name].set("" if value is None else str(value))


def clear() -> None:
    for var in _ids.values():
        var.set("")


def clear_request(**_: Any) -> None:
    """Django's request_started: a new request, none of the previous one's ids."""
    clear()


Tokens = list[tuple[str, contextvars.Token[str]]]


def enter(**ids: object) -> Tokens:
    return [
        (name, _ids[name].set("" if value is None else str(value))) for name, value in ids.items()
    ]


def leave(tokens: Tokens) -> None:
    for name, token in reversed(tokens):
        _ids[name].reset(token)


@contextmanager
def log_context(**ids: object) -> Iterator[None]:
    """Ids for the lines logged inside the block; the previous ones come back after it."""
    tokens = enter(**ids)
    try:
        yield
    finally:
        leave(tokens)


_tasks: dict[str, Tokens] = {}


def task_started(task_id: str, task: Any, **_: Any) -> None:
    """Celery's task_prerun: the lines of a task carry its id and name, and no earlier ids."""
    _tasks[task_id] = enter(**dict.fromkeys(IDS, "") | {"task_id": task_id, "task": task.name})


def task_ended(task_id: str, **_: Any) -> None:
    leave(_tasks.pop(task_id, []))


def add_ids_to_every_record() -> None:
    """Give every record made in this process the ids of its context (`record.ids`, and
    `record.context`, a short text for the human-readable format)."""
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "adds_ids", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        ids = current_ids()
        record.ids = ids
        record.context = "".join(f" {name}={value}" for name, value in ids.items())
        return record

    factory.adds_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class PlainFormatter(logging.Formatter):
    """The human-readable line, with the ids at its end (` organisation=bakkerij-alice`)."""

    def format(self, record: logging.LogRecord) -> str:
        record.__dict__.setdefault("context", "")
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One record, one line: time, level, logger, message, the ids and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "ids", {}),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and name != "context" and name not in line:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, default=str, ensure_ascii=False)
