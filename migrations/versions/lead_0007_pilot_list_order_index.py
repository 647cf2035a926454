"""pilots are listed newest start first, a page at a time: an index in that order

Revision ID: lead_0007
Revises: standards_0001
Create Date: 2026-12-06 05:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'lead_0007'
down_revision = 'standards_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_pilot_start_date_id', 'pilot', ['start_date', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_pilot_start_date_id', table_name='pilot')
