"""indexes for the main lists and for deleting people

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00

Lists: students by name (the list's order and pages, the cohort page's choice of students),
host applications by submission (the vetting queue's order and pages), placements by
enrolment (rosters and the teacher portal join every student's active placement; the
partial unique index cannot serve a join whose status is a bound parameter).

Deletes: PostgreSQL does not index foreign keys, and SQLite neither; deleting a parent
row then reads the whole child table once per row. The retention purge and erasure delete
families with their user accounts, students with their guardians, applications and
enrolments: every column that refers to one of those gets an index. The small tables
(settings, import_batches) do without.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# table → columns with a single-column index named by the naming convention
INDEXED = {
    'enrolment_events': ['by_user_id'],
    'enrolment_documents': ['received_by_id'],
    'guardian_consents': ['guardian_id', 'recorded_by_id', 'withdrawn_by_id'],
    'host_applications': [
        'copied_from_id',
        'submitted_at',
        'references_checked_by_id',
        'background_cleared_by_id',
        'home_visit_recorded_by_id',
        'decided_by_id',
    ],
    'vetting_events': ['by_user_id'],
    'placements': ['enrolment_id', 'placed_by_id', 'cancelled_by_id'],
}


def upgrade():
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_last_name'))
        batch_op.create_index('ix_students_name', ['last_name', 'first_name', 'id'], unique=False)
    for table, columns in INDEXED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def downgrade():
    for table, columns in reversed(INDEXED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index('ix_students_name')
        batch_op.create_index(batch_op.f('ix_students_last_name'), ['last_name'], unique=False)
