"""each Markdown text of pilots keeps its sanitised HTML beside it (summary, progress
reports, the final evaluation), as hackathons and ideas already do

Existing rows are rendered here, once.

Revision ID: lead_0006
Revises: pilots_0001
Create Date: 2026-12-06 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lead_0006'
down_revision = 'pilots_0001'
branch_labels = None
depends_on = None

COLUMNS = {
    'pilot': ('summary',),
    'pilot_update': ('body',),
    'pilot_evaluation': ('results', 'lessons'),
}


def upgrade():
    from app.core.sanitize import render_markdown

    for table, texts in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text in texts:
                batch_op.add_column(sa.Column(f'{text}_html', sa.Text(), nullable=False,
                                              server_default=''))
        connection = op.get_bind()
        rows = connection.execute(sa.text(
            f"SELECT id, {', '.join(texts)} FROM {table}")).mappings().all()  # noqa: S608
        for row in rows:
            values = {f'{t}_html': str(render_markdown(row[t])) for t in texts}
            assignments = ', '.join(f'{name} = :{name}' for name in values)
            connection.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"),
                               {**values, 'id': row['id']})
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text in texts:
                batch_op.alter_column(f'{text}_html', server_default=None)


def downgrade():
    for table, texts in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for text in texts:
                batch_op.drop_column(f'{text}_html')
