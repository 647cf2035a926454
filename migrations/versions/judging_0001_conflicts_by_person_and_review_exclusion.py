"""conflicts of interest by person (former team members kept, a reason for a tied judge) and
the exclusion of a review

Former members are recovered from the audit trail, where every leaving and removal was
recorded, so that people who left a team before this change still cannot judge its ideas.

Revision ID: judging_0001
Revises: lead_0003
Create Date: 2026-12-05 18:19:48.566070

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'judging_0001'
down_revision = 'privacy_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('team_former_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_former_member_team_id_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_team_former_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_former_member'))
    )
    with op.batch_alter_table('team_former_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_former_member_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_former_member_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('jury_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_reason', sa.Text(), nullable=False,
                                      server_default=''))

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('excluded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exclusion_reason', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_review_excluded_by_id_user'), 'user', ['excluded_by_id'], ['id'], ondelete='SET NULL')

    _former_members_from_the_audit_trail()


def _former_members_from_the_audit_trail():
    bind = op.get_bind()
    entries = bind.execute(sa.text(
        "SELECT object_id, at, before FROM audit_entry WHERE object_type = 'team' "
        "AND action IN ('team.member_leave', 'team.member_remove') ORDER BY id")).all()
    teams = {row[0] for row in bind.execute(sa.text("SELECT id FROM team"))}
    users = {row[0] for row in bind.execute(sa.text('SELECT id FROM "user"'))}
    former = sa.table('team_former_member', sa.column('team_id'), sa.column('user_id'),
                      sa.column('left_at'))
    rows = []
    for object_id, at, before in entries:
        before = json.loads(before) if isinstance(before, str) else (before or {})
        team_id, user_id = int(object_id), before.get('user_id')
        if team_id in teams and user_id in users:
            rows.append({'team_id': team_id, 'user_id': user_id, 'left_at': at})
    if rows:
        op.bulk_insert(former, rows)



def downgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_excluded_by_id_user'), type_='foreignkey')
        batch_op.drop_column('exclusion_reason')
        batch_op.drop_column('excluded_by_id')
        batch_op.drop_column('excluded_at')

    with op.batch_alter_table('jury_member', schema=None) as batch_op:
        batch_op.drop_column('conflict_reason')

    with op.batch_alter_table('team_former_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_former_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_former_member_team_id'))

    op.drop_table('team_former_member')
