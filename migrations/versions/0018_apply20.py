"""applications made online: the drafts, kept apart from students and enrolments

Revision ID: 0018_apply20
Revises: 0017_docs20
Create Date: 2026-12-02 23:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_apply20"
down_revision = "0017_docs20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "application_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_application_drafts_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_application_drafts_student_id_students"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_application_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_drafts")),
    )
    with op.batch_alter_table("application_drafts", schema=None) as batch_op:
        for column in ("user_id", "cohort_id", "updated_at", "student_id"):
            batch_op.create_index(
                batch_op.f(f"ix_application_drafts_{column}"), [column], unique=False
            )


def downgrade():
    with op.batch_alter_table("application_drafts", schema=None) as batch_op:
        for column in ("user_id", "cohort_id", "updated_at", "student_id"):
            batch_op.drop_index(batch_op.f(f"ix_application_drafts_{column}"))
    op.drop_table("application_drafts")
