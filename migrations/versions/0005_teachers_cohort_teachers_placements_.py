"""teachers, cohort teachers, placements, beds taken

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 13:35:34.493322

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('teachers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_teachers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teachers')),
    sa.UniqueConstraint('user_id', name=op.f('uq_teachers_user_id'))
    )
    op.create_table('cohort_teachers',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'assistant', name='teacher_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_teachers_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['teachers.id'], name=op.f('fk_cohort_teachers_teacher_id_teachers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'teacher_id', name=op.f('pk_cohort_teachers'))
    )
    with op.batch_alter_table('cohort_teachers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_teachers_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'cancelled', name='placement_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('override_reason', sa.String(length=500), nullable=False),
    sa.Column('overridden_rules', sa.String(length=200), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_placements_cancelled_at')),
    sa.CheckConstraint("overridden_rules = '' OR override_reason <> ''", name=op.f('ck_placements_override_has_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['host_applications.id'], name=op.f('fk_placements_application_id_host_applications')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_placements_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_placements_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_placements_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_placements_placed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index('uq_placements_active_enrolment', ['enrolment_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    with op.batch_alter_table('application_cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beds_taken', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_application_cohorts_beds_taken'), 'beds_taken >= 0')

    with op.batch_alter_table('host_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interests', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervising_teacher_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrolments_supervising_teacher_id'), ['supervising_teacher_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_supervising_teacher_id_teachers'), 'teachers', ['supervising_teacher_id'], ['id'], ondelete='SET NULL')




def downgrade():
    with op.batch_alter_table('host_applications', schema=None) as batch_op:
        batch_op.drop_column('interests')

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolments_supervising_teacher_id_teachers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enrolments_supervising_teacher_id'))
        batch_op.drop_column('supervising_teacher_id')

    with op.batch_alter_table('application_cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_application_cohorts_beds_taken'), type_='check')
        batch_op.drop_column('beds_taken')

    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('uq_placements_active_enrolment', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_placements_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_placements_application_id'))

    op.drop_table('placements')
    with op.batch_alter_table('cohort_teachers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_teachers_teacher_id'))

    op.drop_table('cohort_teachers')
    op.drop_table('teachers')

