"""a final round's own criteria: criterion.round, final_round.own_criteria and scoring_opened_at

Existing criteria belong to the jury round (1); existing final rounds were scored on the
jury round's criteria and opened their scoring when they were started.

Revision ID: 0002finalcriteria
Revises: 0001initial
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002finalcriteria'
down_revision = '0001initial'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))
        batch_op.create_check_constraint(batch_op.f('ck_criterion_round_known'),
                                         'round IN (1, 2)')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.alter_column('round', server_default=None)

    with op.batch_alter_table('final_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_criteria', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('scoring_opened_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE final_round SET scoring_opened_at = created_at")
    with op.batch_alter_table('final_round', schema=None) as batch_op:
        batch_op.alter_column('own_criteria', server_default=None)


def downgrade():
    # Final-round criteria and the scores given on them have no place in the old schema.
    op.execute("DELETE FROM criterion WHERE round <> 1")
    with op.batch_alter_table('final_round', schema=None) as batch_op:
        batch_op.drop_column('scoring_opened_at')
        batch_op.drop_column('own_criteria')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_criterion_round_known'), type_='check')
        batch_op.drop_column('round')
