"""the outbox records each message's delivery: an idempotency key, attempts, the next try
and the worker's claim

Revision ID: jobs_0001
Revises: lead_0005
"""
from alembic import op
import sqlalchemy as sa


revision = 'jobs_0001'
down_revision = 'judging_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    # Messages written before keys existed get one from their id: unique, and stable.
    op.execute("UPDATE outbox_message SET key = 'outbox' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('attempts', server_default=None)
        batch_op.alter_column('claimed_by', server_default=None)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_key'), ['key'])
        batch_op.create_index(batch_op.f('ix_outbox_message_next_attempt_at'),
                              ['next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_next_attempt_at'))
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_key'), type_='unique')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('key')
