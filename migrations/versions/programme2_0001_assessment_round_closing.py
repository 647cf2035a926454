"""an assessment round can be closed early; one round of each kind per instrument

Revision ID: programme2_0001
Revises: results_0001
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'programme2_0001'
down_revision = 'results_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_assessment_round_instrument_id'),
                                          ['instrument_id', 'kind'])


def downgrade():
    with op.batch_alter_table('assessment_round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_assessment_round_instrument_id'), type_='unique')
        batch_op.drop_column('closed_at')
