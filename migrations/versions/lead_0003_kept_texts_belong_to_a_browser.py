"""kept review and idea texts belong to the browser that kept them, not to a key in a link

Rows kept under the old link keys cannot be tied to a browser, so they are dropped.

Revision ID: lead_0003
Revises: lead_0002
Create Date: 2026-12-05 18:09:42.560262

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lead_0003'
down_revision = 'lead_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM kept_review")
    op.execute("DELETE FROM idea_kept_text")
    with op.batch_alter_table('idea_kept_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sa.String(length=64), nullable=False))
        batch_op.create_index(batch_op.f('ix_idea_kept_text_browser_hash'), ['browser_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_kept_text_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('kept_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sa.String(length=64), nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_kept_review_key'), type_='unique')
        batch_op.create_index(batch_op.f('ix_kept_review_browser_hash'), ['browser_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_review_expires_at'), ['expires_at'], unique=False)
        batch_op.drop_column('used_at')
        batch_op.drop_column('key')



def downgrade():
    op.execute("DELETE FROM kept_review")
    op.execute("DELETE FROM idea_kept_text")
    with op.batch_alter_table('kept_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.VARCHAR(length=64), nullable=False))
        batch_op.add_column(sa.Column('used_at', sa.DATETIME(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_kept_review_expires_at'))
        batch_op.drop_index(batch_op.f('ix_kept_review_browser_hash'))
        batch_op.create_unique_constraint(batch_op.f('uq_kept_review_key'), ['key'])
        batch_op.drop_column('browser_hash')

    with op.batch_alter_table('idea_kept_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_kept_text_expires_at'))
        batch_op.drop_index(batch_op.f('ix_idea_kept_text_browser_hash'))
        batch_op.drop_column('browser_hash')

