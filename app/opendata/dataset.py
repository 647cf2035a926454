"""The public dataset: its tables, in the order every file and page lists them.

Each table is described once, in tables_hackathons.py, tables_pilots.py or
tables_programme.py, from the words defined in dictionary.py.
"""

from __future__ import annotations

from app.opendata.dictionary import PublicTable
from app.opendata.tables_hackathons import HACKATHON_TABLES
from app.opendata.tables_pilots import PILOT_TABLES
from app.opendata.tables_programme import PROGRAMME_TABLES

TABLES: tuple[PublicTable, ...] = (*HACKATHON_TABLES, *PILOT_TABLES, *PROGRAMME_TABLES)

BY_NAME = {table.name: table for table in TABLES}


def table_named(name: str) -> PublicTable | None:
    """The public table of that name, or None."""
    return BY_NAME.get(name)
