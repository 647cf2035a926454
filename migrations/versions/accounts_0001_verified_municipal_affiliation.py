"""verified municipal affiliation

Revision ID: accounts_0001
Revises: lead_0005
Create Date: 2026-12-05 18:32:01.046335

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'accounts_0001'
down_revision = 'jobs_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('municipality_domain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_municipality_domain_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_domain')),
    sa.UniqueConstraint('domain', name=op.f('uq_municipality_domain_domain'))
    )
    with op.batch_alter_table('municipality_domain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_domain_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('affiliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'declined', name='affiliationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_affiliation_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_affiliation_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_affiliation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affiliation'))
    )
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affiliation_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliation_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliation_user_id'))
        batch_op.drop_index(batch_op.f('ix_affiliation_municipality_id'))

    op.drop_table('affiliation')
    with op.batch_alter_table('municipality_domain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_domain_municipality_id'))

    op.drop_table('municipality_domain')
