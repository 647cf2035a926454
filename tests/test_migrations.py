"""The migrations are the only way a database is made: they must produce the models' schema."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


@pytest.fixture
def scratch_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    url = make_url(base)
    name = f"talka_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_produce_exactly_the_models_schema(scratch_database_url, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"migrations and models differ: {diff}"


def test_a_migration_run_raises_the_public_version_as_a_change_that_cannot_be_told(
        scratch_database_url, tmp_path):
    """Migrations write with raw SQL, past the session that records changes: after them,
    every kept page, value and open-data file of the old state is out of date."""
    from flask_migrate import downgrade
    from sqlalchemy import select

    from app.public.cache import PUBLIC_ROW, UNKNOWN_TABLE
    from app.public.models import PublicChange, PublicDataVersion

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": scratch_database_url})

    def version() -> int:
        db.session.remove()
        return db.session.scalar(select(PublicDataVersion.version).where(
            PublicDataVersion.id == PUBLIC_ROW))

    with app.app_context():
        upgrade()
        first = version()
        upgrade()  # nothing to run: nothing changed
        assert version() == first
        downgrade(revision="-1")  # the changes' table is gone with it: raised, not recorded
        assert version() == first + 1
        upgrade()
        assert version() == first + 2
        change = db.session.get(PublicChange, first + 2)
        assert change.tables == change.unnamed == UNKNOWN_TABLE
        db.session.remove()
        db.engine.dispose()
