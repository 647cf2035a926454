"""assessments of municipal services: instruments, themes, questions, rounds and answers

Revision ID: lead_0004
Revises: lead_0003
Create Date: 2026-12-05 18:13:45.455938

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lead_0004'
down_revision = 'lead_0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_instrument'))
    )
    op.create_table('assessment_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('baseline', 'final', name='roundkind', native_enum=False, length=24), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['assessment_instrument.id'], name=op.f('fk_assessment_round_instrument_id_assessment_instrument'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_round'))
    )
    with op.batch_alter_table('assessment_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_round_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('assessment_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['assessment_instrument.id'], name=op.f('fk_assessment_theme_instrument_id_assessment_instrument'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_theme'))
    )
    with op.batch_alter_table('assessment_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_theme_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('assessment_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('asks_evidence', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['assessment_theme.id'], name=op.f('fk_assessment_question_theme_id_assessment_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_question'))
    )
    with op.batch_alter_table('assessment_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_question_theme_id'), ['theme_id'], unique=False)

    op.create_table('assessment_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('shares_contact', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_assessment_response_municipality_id_municipality'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['respondent_id'], ['user.id'], name=op.f('fk_assessment_response_respondent_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_response_round_id_assessment_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_response')),
    sa.UniqueConstraint('round_id', 'municipality_id', name=op.f('uq_assessment_response_round_id'))
    )
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_response_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_response_round_id'), ['round_id'], unique=False)

    op.create_table('assessment_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['assessment_question.id'], name=op.f('fk_assessment_answer_question_id_assessment_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['assessment_response.id'], name=op.f('fk_assessment_answer_response_id_assessment_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_assessment_answer_response_id'))
    )
    with op.batch_alter_table('assessment_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_answer_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessment_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_answer_response_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_answer_question_id'))

    op.drop_table('assessment_answer')
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_response_round_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_response_municipality_id'))

    op.drop_table('assessment_response')
    with op.batch_alter_table('assessment_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_question_theme_id'))

    op.drop_table('assessment_question')
    with op.batch_alter_table('assessment_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_theme_instrument_id'))

    op.drop_table('assessment_theme')
    with op.batch_alter_table('assessment_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_round_instrument_id'))

    op.drop_table('assessment_round')
    op.drop_table('assessment_instrument')
