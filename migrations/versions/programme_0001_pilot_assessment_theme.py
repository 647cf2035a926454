"""a pilot names the assessment theme it addresses

Revision ID: programme_0001
Revises: leftovers_0001
Create Date: 2026-12-06 00:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'programme_0001'
down_revision = 'leftovers_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_theme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pilot_assessment_theme_id'),
                              ['assessment_theme_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pilot_assessment_theme_id_assessment_theme'),
                                    'assessment_theme', ['assessment_theme_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pilot_assessment_theme_id_assessment_theme'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pilot_assessment_theme_id'))
        batch_op.drop_column('assessment_theme_id')
