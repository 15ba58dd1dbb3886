"""host families, applications, vetting, email outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:58:30.145274

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('outbox_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_emails_sent_at'), ['sent_at'], unique=False)

    op.create_table('host_families',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_active_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_host_families_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_families')),
    sa.UniqueConstraint('user_id', name=op.f('uq_host_families_user_id'))
    )
    op.create_table('host_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'references_checked', 'background_cleared', 'home_visited', 'approved', 'declined', 'backup', 'withdrawn', name='application_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('address_line', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('mobile_phone', sa.String(length=40), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('has_pets', sa.Boolean(), nullable=False),
    sa.Column('pets', sa.String(length=200), nullable=False),
    sa.Column('smoking_in_home', sa.Boolean(), nullable=False),
    sa.Column('bedrooms', sa.Integer(), nullable=True),
    sa.Column('beds_offered', sa.Integer(), nullable=True),
    sa.Column('shared_room', sa.Boolean(), nullable=False),
    sa.Column('gender_preference', sa.Enum('any', 'female', 'male', name='gender_preference', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('diets', sa.String(length=200), nullable=False),
    sa.Column('high_school', sa.String(length=200), nullable=False),
    sa.Column('school_distance_miles', sa.Double(), nullable=True),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('background_check_consent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('references_checked_at', sa.DateTime(), nullable=True),
    sa.Column('references_checked_by_id', sa.Integer(), nullable=True),
    sa.Column('background_cleared_at', sa.DateTime(), nullable=True),
    sa.Column('background_cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('background_check_expires_on', sa.Date(), nullable=True),
    sa.Column('home_visit_on', sa.Date(), nullable=True),
    sa.Column('home_visit_by', sa.String(length=200), nullable=False),
    sa.Column('home_visit_notes', sa.Text(), nullable=False),
    sa.Column('home_visit_recorded_at', sa.DateTime(), nullable=True),
    sa.Column('home_visit_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status = 'draft' OR status = 'withdrawn' OR submitted_at IS NOT NULL", name=op.f('ck_host_applications_submitted_at')),
    sa.CheckConstraint('bedrooms IS NULL OR bedrooms BETWEEN 1 AND 20', name=op.f('ck_host_applications_bedrooms')),
    sa.CheckConstraint('beds_offered IS NULL OR beds_offered BETWEEN 1 AND 6', name=op.f('ck_host_applications_beds')),
    sa.CheckConstraint('school_distance_miles IS NULL OR school_distance_miles BETWEEN 0 AND 100', name=op.f('ck_host_applications_distance')),
    sa.ForeignKeyConstraint(['background_cleared_by_id'], ['users.id'], name=op.f('fk_host_applications_background_cleared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['copied_from_id'], ['host_applications.id'], name=op.f('fk_host_applications_copied_from_id_host_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_host_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['family_id'], ['host_families.id'], name=op.f('fk_host_applications_family_id_host_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['home_visit_recorded_by_id'], ['users.id'], name=op.f('fk_host_applications_home_visit_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['references_checked_by_id'], ['users.id'], name=op.f('fk_host_applications_references_checked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_applications'))
    )
    with op.batch_alter_table('host_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_applications_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_host_applications_status'), ['status'], unique=False)

    op.create_table('application_cohorts',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['host_applications.id'], name=op.f('fk_application_cohorts_application_id_host_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_application_cohorts_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'cohort_id', name=op.f('pk_application_cohorts'))
    )
    with op.batch_alter_table('application_cohorts', schema=None) as batch_op:
        batch_op.create_index('ix_application_cohorts_cohort_id', ['cohort_id'], unique=False)

    op.create_table('family_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_family_references_position')),
    sa.ForeignKeyConstraint(['application_id'], ['host_applications.id'], name=op.f('fk_family_references_application_id_host_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_references')),
    sa.UniqueConstraint('application_id', 'position', name='uq_family_references_position')
    )
    with op.batch_alter_table('family_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_references_application_id'), ['application_id'], unique=False)

    op.create_table('household_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('age', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=50), nullable=False),
    sa.CheckConstraint('age BETWEEN 0 AND 120', name=op.f('ck_household_members_age')),
    sa.ForeignKeyConstraint(['application_id'], ['host_applications.id'], name=op.f('fk_household_members_application_id_host_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_members'))
    )
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_members_application_id'), ['application_id'], unique=False)

    op.create_table('vetting_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'references_checked', 'background_cleared', 'home_visited', 'approved', 'declined', 'backup', 'withdrawn', name='vetting_to_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['host_applications.id'], name=op.f('fk_vetting_events_application_id_host_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_vetting_events_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vetting_events'))
    )
    with op.batch_alter_table('vetting_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vetting_events_application_id'), ['application_id'], unique=False)




def downgrade():

    with op.batch_alter_table('vetting_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vetting_events_application_id'))

    op.drop_table('vetting_events')
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_members_application_id'))

    op.drop_table('household_members')
    with op.batch_alter_table('family_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_references_application_id'))

    op.drop_table('family_references')
    with op.batch_alter_table('application_cohorts', schema=None) as batch_op:
        batch_op.drop_index('ix_application_cohorts_cohort_id')

    op.drop_table('application_cohorts')
    with op.batch_alter_table('host_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_applications_status'))
        batch_op.drop_index(batch_op.f('ix_host_applications_family_id'))

    op.drop_table('host_applications')
    op.drop_table('host_families')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_sent_at'))

    op.drop_table('outbox_emails')

