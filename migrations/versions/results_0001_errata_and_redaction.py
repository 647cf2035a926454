"""corrections of published results (errata); coordinators' redacted idea texts for blind review

Revision ID: results_0001
Revises: programme_0001
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'results_0001'
down_revision = 'programme_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('results_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hackathon_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['user.id'], name=op.f('fk_results_correction_corrected_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['winner_decision.id'], name=op.f('fk_results_correction_decision_id_winner_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hackathon_id'], ['hackathon.id'], name=op.f('fk_results_correction_hackathon_id_hackathon'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results_correction')),
    sa.UniqueConstraint('hackathon_id', 'number', name=op.f('uq_results_correction_hackathon_id'))
    )
    with op.batch_alter_table('results_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_results_correction_hackathon_id'), ['hackathon_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_correction_decision_id'), ['decision_id'], unique=False)

    op.create_table('idea_redaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('expected_impact', sa.Text(), nullable=False),
    sa.Column('problem_html', sa.Text(), nullable=False),
    sa.Column('solution_html', sa.Text(), nullable=False),
    sa.Column('target_group_html', sa.Text(), nullable=False),
    sa.Column('expected_impact_html', sa.Text(), nullable=False),
    sa.Column('redacted_by_id', sa.Integer(), nullable=True),
    sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_idea_redaction_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['redacted_by_id'], ['user.id'], name=op.f('fk_idea_redaction_redacted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_redaction')),
    sa.UniqueConstraint('idea_id', name=op.f('uq_idea_redaction_idea_id'))
    )


def downgrade():
    op.drop_table('idea_redaction')
    with op.batch_alter_table('results_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_correction_decision_id'))
        batch_op.drop_index(batch_op.f('ix_results_correction_hackathon_id'))
    op.drop_table('results_correction')
