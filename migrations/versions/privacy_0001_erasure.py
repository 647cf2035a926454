"""privacy_erasure: the pseudonym of each erased person

Revision ID: privacy_0001
Revises: 0002finalcriteria
Create Date: 2026-12-05 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'privacy_0001'
down_revision = 'lead_0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'privacy_erasure',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('pseudonym', sa.String(length=16), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_privacy_erasure_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_privacy_erasure')),
        sa.UniqueConstraint('pseudonym', name=op.f('uq_privacy_erasure_pseudonym')),
    )


def downgrade():
    op.drop_table('privacy_erasure')
