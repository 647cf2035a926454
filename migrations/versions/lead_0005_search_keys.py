"""hackathons, ideas and pilots keep their searchable text folded (no diacritics, lower case)

The site search then matches with one plain LIKE per word. Existing rows are folded here.

Revision ID: lead_0005
Revises: lead_0004
Create Date: 2026-12-05 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lead_0005'
down_revision = 'lead_0004'
branch_labels = None
depends_on = None

SOURCES = {'hackathon': ('title', 'theme'), 'idea': ('title', 'summary'),
           'pilot': ('title', 'summary')}


def upgrade():
    from app.core.folding import fold

    connection = op.get_bind()
    for table, sources in SOURCES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_key', sa.Text(), nullable=False,
                                          server_default=''))
        rows = connection.execute(sa.text(
            f"SELECT id, {', '.join(sources)} FROM {table}")).mappings().all()  # noqa: S608
        for row in rows:
            key = fold(" ".join(row[s] or "" for s in sources))
            connection.execute(sa.text(f"UPDATE {table} SET search_key = :k WHERE id = :id"),
                               {"k": key, "id": row["id"]})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('search_key', server_default=None)


def downgrade():
    for table in SOURCES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_key')
