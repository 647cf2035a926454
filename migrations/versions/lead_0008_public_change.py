"""what each raise of the public data version changed: the public tables it wrote and the
pilots it named, so that kept values are worked out again only where they changed

Revision ID: lead_0008
Revises: lead_0007
Create Date: 2026-12-07 21:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'lead_0008'
down_revision = 'lead_0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_change',
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tables', sa.Text(), nullable=False),
        sa.Column('unnamed', sa.Text(), nullable=False),
        sa.Column('pilots', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_public_change')),
    )


def downgrade():
    op.drop_table('public_change')
