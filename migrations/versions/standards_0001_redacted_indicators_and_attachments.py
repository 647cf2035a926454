"""blind review: the judges' names of an idea's indicators and attachments

Revision ID: standards_0001
Revises: programme2_0001
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'standards_0001'
down_revision = 'programme2_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idea_redaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator_names', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('attachment_names', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    with op.batch_alter_table('idea_redaction', schema=None) as batch_op:
        batch_op.alter_column('indicator_names', server_default=None)
        batch_op.alter_column('attachment_names', server_default=None)


def downgrade():
    with op.batch_alter_table('idea_redaction', schema=None) as batch_op:
        batch_op.drop_column('attachment_names')
        batch_op.drop_column('indicator_names')
