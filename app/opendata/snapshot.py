"""The open-data files written ahead of readers, for the current state of the public data."""

from __future__ import annotations

from flask import current_app

from app.core.clock import now_utc
from app.opendata import dataset, export


def write_snapshot() -> int:
    """Write the SQLite file and every table's CSV for the data as they are now (kept files
    that exist already are left alone); return how many files there are."""
    from app.public.cache import public_state

    now = now_utc()
    state = public_state(now)
    data = export.DataState(key=state.key, last_modified=state.last_modified)
    site = (current_app.config.get("SITE_URL") or "http://localhost:5000").rstrip("/")
    export.kept_file(data, export.SQLITE_NAME, lambda path: export.build_sqlite(
        path, export.moment(now), site=site, state_key=state.key))
    for table in dataset.TABLES:
        export.kept_file(data, f"{table.name}.csv", export.write_chunks(
            export.csv_chunks(table, export.moment(now))))
    return 1 + len(dataset.TABLES)
