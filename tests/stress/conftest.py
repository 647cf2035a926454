"""Fixtures for the stress tests: the deadline rush against gunicorn (see rush.py).

The rush runs once per test module, on a database of its own: a temporary SQLite
file, or a scratch PostgreSQL database (created and dropped here) when the suite
runs with TEST_DATABASE_URL=postgresql... The suite's own test database and its
in-process app are not used, so the autouse `db` fixture is replaced by a no-op.
"""

from __future__ import annotations

import os
import warnings

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stress: many concurrent clients against gunicorn (runs in the normal suite; "
                   "deselect with -m 'not stress')")


@pytest.fixture(autouse=True)
def db():
    """The rush brings its own database and server; nothing of the suite's is needed."""
    yield None


@pytest.fixture(scope="module")
def rush(tmp_path_factory):
    from tests.stress.rush import Plan, rush_once

    url = os.environ.get("TEST_DATABASE_URL") or ""
    postgres = url if url.startswith("postgresql") else None
    result = rush_once(tmp_path_factory.mktemp("rush"), Plan(), postgres)
    if result.created_tables:
        warnings.warn(f"`flask --app wsgi init-db` did not create the tables "
                      f"{result.created_tables}; the rush created them with create_all(). "
                      f"The migrations lag behind the models.", stacklevel=1)
    return result
