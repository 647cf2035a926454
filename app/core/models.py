"""Base model bits: declarative base with naming conventions and UTC timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

from app.core.clock import as_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A datetime stored as UTC and always returned timezone-aware.

    SQLite keeps no offset, so values are normalised to UTC on the way in and
    marked UTC on the way out; PostgreSQL stores them as timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return as_utc(value)


class Base(DeclarativeBase):
    """Declarative base of every Talka model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )

    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        return f"<{type(self).__name__} {ident!r}>"


def load_collections(obj: Any, collections: dict[str, tuple]) -> None:
    """Fill `obj`'s collections, each with one plain query (`with_parent`, the
    relationship's order) and its own small options, as if they had been loaded with it.

    One statement carrying a whole tree of selectinload options spends more time computing
    the cache keys of that tree, once per collection, than running the queries: for one
    object with a dozen collections this is several times faster, for the same rows.
    """
    from sqlalchemy import inspect, select
    from sqlalchemy.orm import with_parent
    from sqlalchemy.orm.attributes import set_committed_value

    from app.extensions import db

    mapper = inspect(type(obj))
    for name, options in collections.items():
        prop = mapper.relationships[name]
        query = select(prop.mapper.class_).where(with_parent(obj, prop.class_attribute))
        if prop.order_by:
            query = query.order_by(*prop.order_by)
        rows = list(db.session.scalars(query.options(*options)).unique())
        set_committed_value(obj, name, rows if prop.uselist else (rows[0] if rows else None))
