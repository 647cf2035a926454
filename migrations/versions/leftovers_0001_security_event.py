"""security_event: the security log, kept by Talka for 12 months

Revision ID: leftovers_0001
Revises: lead_0006
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'leftovers_0001'
down_revision = 'lead_0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'security_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('event', sa.String(length=60), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_security_event_user_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_event')),
    )
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_event'), ['event'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_security_event_event'))
        batch_op.drop_index(batch_op.f('ix_security_event_at'))
    op.drop_table('security_event')
