"""capacity-building events, the people trained and their attendance (the programme's indicator)

Revision ID: lead_0002
Revises: lead_0001
Create Date: 2026-12-05 17:57:14.941589

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lead_0002'
down_revision = 'lead_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_programme_person_municipality_id_municipality'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_programme_person_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_person')),
    sa.UniqueConstraint('email', name=op.f('uq_programme_person_email'))
    )
    with op.batch_alter_table('programme_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_person_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_person_region_code'), ['region_code'], unique=False)

    op.create_table('programme_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('conference', 'national_event', 'regional_training', 'workshop', 'exchange_visit', name='eventkind', native_enum=False, length=24), nullable=False),
    sa.Column('format', sa.Enum('in_person', 'online', 'self_paced', name='eventformat', native_enum=False, length=24), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=500), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_programme_event_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_programme_event_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_event'))
    )
    with op.batch_alter_table('programme_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_event_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_event_starts_on'), ['starts_on'], unique=False)

    op.create_table('programme_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['programme_event.id'], name=op.f('fk_programme_attendance_event_id_programme_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_programme_attendance_municipality_id_municipality'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['programme_person.id'], name=op.f('fk_programme_attendance_person_id_programme_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_programme_attendance_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_attendance')),
    sa.UniqueConstraint('event_id', 'person_id', name=op.f('uq_programme_attendance_event_id'))
    )
    with op.batch_alter_table('programme_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_attendance_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_attendance_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('programme_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_attendance_person_id'))
        batch_op.drop_index(batch_op.f('ix_programme_attendance_event_id'))

    op.drop_table('programme_attendance')
    with op.batch_alter_table('programme_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_event_starts_on'))
        batch_op.drop_index(batch_op.f('ix_programme_event_region_code'))

    op.drop_table('programme_event')
    with op.batch_alter_table('programme_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_person_region_code'))
        batch_op.drop_index(batch_op.f('ix_programme_person_municipality_id'))

    op.drop_table('programme_person')
