"""search words of students, enrolments by status, cohorts by departure, users by role

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00

The student list searched with `lower(name) LIKE '%words%'`, which no index can serve: every
search read all students (100,000 in a national organisation). It now finds students by the
beginnings of the words of their names and email, kept folded in student_words and found as
ranges of its primary key. The words of the students already stored are written here, with
the same function the application uses (app.models.students.search_word_rows).

The list's status filter (students with an enrolment in a status) reads enrolments by status:
an index of (status, student_id) answers it without reading the table. Lists of cohorts
are newest departure first, page by page: an index of (departure_date, id). The admin's list
of accounts is by role and email, page by page: (role, email) replaces the index of role.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    op.create_table(
        "student_words",
        sa.Column(
            "word",
            sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_words_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word", "student_id", name=op.f("pk_student_words")),
    )
    with op.batch_alter_table("student_words", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_words_student_id"), ["student_id"], unique=False
        )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_status_student', ['status', 'student_id'], unique=False)
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.create_index('ix_cohorts_departure', ['departure_date', 'id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_role')
        batch_op.create_index('ix_users_role_email', ['role', 'email'], unique=False)
    _write_words()


def _write_words():
    from app.models.students import search_word_rows

    connection = op.get_bind()
    students = sa.table(
        "students",
        sa.column("id"),
        sa.column("first_name"),
        sa.column("last_name"),
        sa.column("email"),
    )
    words = sa.table("student_words", sa.column("student_id"), sa.column("word"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(students.c.id, students.c.first_name, students.c.last_name, students.c.email)
            .where(students.c.id > last)
            .order_by(students.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        found = [word for row in rows for word in search_word_rows(*row)]
        if found:
            connection.execute(sa.insert(words), found)
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_role_email')
        batch_op.create_index('ix_users_role', ['role'], unique=False)
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_index('ix_cohorts_departure')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_status_student')
    with op.batch_alter_table("student_words", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_words_student_id"))
    op.drop_table("student_words")
