"""Background jobs on Huey: mail delivery, reminders, digests, re-rendering and open-data
snapshots run in a worker (`flask worker`), never in a request.

Huey keeps its queue in SQLite (instance/jobs.sqlite) by default, so a newcomer installs
nothing; with REDIS_URL set the queue is in Redis and any number of web instances and
workers share it. In tests (JOBS_IMMEDIATE, on when TESTING) a task runs at once, in the
caller's thread.

The one `huey` object is made at import (tasks bind to it) and given its storage by
`init_app`, from the application's settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

log = logging.getLogger("talka.jobs")

# results=False: no task's return value is read, so none is stored.
huey = Huey("talka", results=False, utc=True, storage_class=MemoryStorage)
_apps: list[Flask] = []


def init_app(app: Flask) -> None:
    """Give the queue its storage from the settings, and remember the app for the tasks."""
    _apps[:] = [app]
    if app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True
        return
    huey.immediate = False
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage = redis_storage(redis_url)
    else:
        path = Path(app.config.get("JOBS_SQLITE") or Path(app.instance_path) / "jobs.sqlite")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage = SqliteStorage("talka", filename=str(path), timeout=30)


def redis_storage(url: str, name: str = "talka") -> RedisStorage:
    """The queue in Redis, with short timeouts: a request that hands over mail must not
    hang on a Redis that went away."""
    pool = ConnectionPool.from_url(url, socket_connect_timeout=1, socket_timeout=5,
                                   health_check_interval=10)
    return RedisStorage(name, connection_pool=pool)


def current_app_for_jobs() -> Flask:
    """The application a task runs in: the one `init_app` saw last (the worker's own)."""
    if not _apps:
        from app import create_app

        create_app()
    return _apps[0]


def queue_health() -> str:
    """"ok" when the queue's storage answers, "immediate" in tests, else "unavailable"."""
    if huey.immediate:
        return "immediate"
    try:
        storage = huey.storage
        if isinstance(storage, RedisStorage):
            storage.conn.ping()
        else:
            storage.queue_size()
    except Exception as exc:  # any failure of the store means the same here
        log.warning("job queue unavailable: %s", exc)
        return "unavailable"
    return "ok"
