"""funding lines carry VAT as their own amount; expenses have a category and a public flag

Revision ID: pilots_0001
Revises: lead_0005
Create Date: 2026-12-05 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pilots_0001'
down_revision = 'accounts_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('funding_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vat_eur', sa.Numeric(precision=12, scale=2),
                                      nullable=False, server_default='0'))
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.Enum(
            'services', 'goods', 'works', 'staff', 'other', name='expensecategory',
            native_enum=False, length=16), nullable=False, server_default='other'))
        batch_op.add_column(sa.Column('document_public', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('funding_line', schema=None) as batch_op:
        batch_op.alter_column('vat_eur', server_default=None)
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.alter_column('category', server_default=None)
        batch_op.alter_column('document_public', server_default=None)


def downgrade():
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.drop_column('document_public')
        batch_op.drop_column('category')
    with op.batch_alter_table('funding_line', schema=None) as batch_op:
        batch_op.drop_column('vat_eur')
