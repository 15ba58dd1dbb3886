"""programmes, cohorts, students, enrolments, documents, consents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:26:10.396115

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('home_city', sa.String(length=100), nullable=False),
    sa.Column('partner_city', sa.String(length=100), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('name', name=op.f('uq_programmes_name'))
    )
    op.create_table('students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('gender', sa.Enum('female', 'male', 'diverse', name='gender', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('diet', sa.Enum('none', 'vegetarian', 'vegan', 'halal', 'kosher', 'gluten_free', 'lactose_free', 'other', name='diet', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('allergies', sa.Text(), nullable=False),
    sa.Column('pet_allergy', sa.Boolean(), nullable=False),
    sa.Column('medical_notes', sa.Text(), nullable=False),
    sa.Column('no_pets', sa.Boolean(), nullable=False),
    sa.Column('no_smokers', sa.Boolean(), nullable=False),
    sa.Column('interests', sa.Text(), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('passport_number', sa.String(length=20), nullable=True),
    sa.Column('passport_expiry', sa.Date(), nullable=True),
    sa.Column('visa_status', sa.Enum('not_started', 'esta_applied', 'esta_approved', 'visa_applied', 'visa_granted', 'not_needed', name='visa_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_students'))
    )
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_students_last_name'), ['last_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_school'), ['school'], unique=False)

    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('direction', sa.Enum('outbound', 'inbound', name='direction', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('departure_date', sa.Date(), nullable=False),
    sa.Column('return_date', sa.Date(), nullable=False),
    sa.Column('enrolment_deadline', sa.Date(), nullable=True),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waitlist_counter', sa.Integer(), server_default='0', nullable=False),
    sa.Column('students_per_teacher', sa.Integer(), server_default='10', nullable=False),
    sa.Column('status', sa.Enum('planning', 'open', 'closed', 'travelling', 'completed', 'archived', name='cohort_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('enrolment_deadline IS NULL OR enrolment_deadline <= departure_date', name=op.f('ck_cohorts_deadline_before_departure')),
    sa.CheckConstraint('places BETWEEN 1 AND 10000', name=op.f('ck_cohorts_places_range')),
    sa.CheckConstraint('places_taken >= 0 AND places_taken <= places', name=op.f('ck_cohorts_places_taken')),
    sa.CheckConstraint('return_date > departure_date', name=op.f('ck_cohorts_returns_after_departure')),
    sa.CheckConstraint('students_per_teacher BETWEEN 1 AND 100', name=op.f('ck_cohorts_ratio_range')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_cohorts_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
    sa.UniqueConstraint('programme_id', 'name', name='uq_cohorts_programme_name')
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohorts_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_status'), ['status'], unique=False)

    op.create_table('emergency_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_emergency_contacts_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_contacts'))
    )
    with op.batch_alter_table('emergency_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_contacts_student_id'), ['student_id'], unique=False)

    op.create_table('guardians',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_guardians_position')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_guardians_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardians')),
    sa.UniqueConstraint('student_id', 'position', name='uq_guardians_student_position')
    )
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardians_student_id'), ['student_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applied', 'accepted', 'waitlisted', 'withdrawn', 'completed', name='enrolment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('waitlist_number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status = 'waitlisted') = (waitlist_number IS NOT NULL)", name=op.f('ck_enrolments_waitlist_number')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_enrolments_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_enrolments_student_id_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('cohort_id', 'waitlist_number', name='uq_enrolments_waitlist'),
    sa.UniqueConstraint('student_id', 'cohort_id', name='uq_enrolments_student_cohort')
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index('ix_enrolments_cohort_status', ['cohort_id', 'status'], unique=False)
        batch_op.create_index('ix_enrolments_student_id', ['student_id'], unique=False)

    op.create_table('enrolment_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('guardian_consent', 'medical_form', 'insurance', 'passport_visa', 'code_of_conduct', name='document_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind <> 'guardian_consent'", name=op.f('ck_enrolment_documents_consent_elsewhere')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_enrolment_documents_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_enrolment_documents_received_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_documents')),
    sa.UniqueConstraint('enrolment_id', 'kind', name='uq_enrolment_documents_kind')
    )
    with op.batch_alter_table('enrolment_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_documents_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('enrolment_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('applied', 'accepted', 'waitlisted', 'withdrawn', 'completed', name='event_from_status', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('applied', 'accepted', 'waitlisted', 'withdrawn', 'completed', name='event_to_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_enrolment_events_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_enrolment_events_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_events'))
    )
    with op.batch_alter_table('enrolment_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_events_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('guardian_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('given_by', sa.String(length=200), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=False),
    sa.Column('wording_version', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_note', sa.String(length=300), nullable=False),
    sa.CheckConstraint('withdrawn_at IS NULL OR withdrawn_at >= given_at', name=op.f('ck_guardian_consents_withdrawn_after_given')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_guardian_consents_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardians.id'], name=op.f('fk_guardian_consents_guardian_id_guardians'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_guardian_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_guardian_consents_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian_consents'))
    )
    with op.batch_alter_table('guardian_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardian_consents_enrolment_id'), ['enrolment_id'], unique=False)




def downgrade():

    with op.batch_alter_table('guardian_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_consents_enrolment_id'))

    op.drop_table('guardian_consents')
    with op.batch_alter_table('enrolment_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_events_enrolment_id'))

    op.drop_table('enrolment_events')
    with op.batch_alter_table('enrolment_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_documents_enrolment_id'))

    op.drop_table('enrolment_documents')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_student_id')
        batch_op.drop_index('ix_enrolments_cohort_status')
        batch_op.drop_index(batch_op.f('ix_enrolments_cohort_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('guardians', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardians_student_id'))

    op.drop_table('guardians')
    with op.batch_alter_table('emergency_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_contacts_student_id'))

    op.drop_table('emergency_contacts')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohorts_status'))
        batch_op.drop_index(batch_op.f('ix_cohorts_programme_id'))

    op.drop_table('cohorts')
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_school'))
        batch_op.drop_index(batch_op.f('ix_students_last_name'))

    op.drop_table('students')
    op.drop_table('programmes')

