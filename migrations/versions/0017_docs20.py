"""uploaded files of enrolment documents and their review

Revision ID: 0017_docs20
Revises: 0017_guardian20
Create Date: 2026-12-02 22:42:06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_docs20"
down_revision = "0017_guardian20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "guardian_consent",
                "medical_form",
                "insurance",
                "passport_visa",
                "code_of_conduct",
                name="document_file_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "accepted",
                "rejected",
                name="document_file_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("rejection_reason", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(state = 'rejected') = (rejection_reason <> '')",
            name=op.f("ck_document_files_file_reason_if_rejected"),
        ),
        sa.CheckConstraint(
            "(state = 'waiting') = (reviewed_at IS NULL)",
            name=op.f("ck_document_files_file_reviewed_unless_waiting"),
        ),
        sa.CheckConstraint(
            "kind <> 'guardian_consent'", name=op.f("ck_document_files_file_consent_elsewhere")
        ),
        sa.CheckConstraint("size > 0", name=op.f("ck_document_files_file_size_positive")),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_document_files_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_document_files_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_document_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_document_files_storage_key")),
    )
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_files_enrolment_kind", ["enrolment_id", "kind"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_document_files_reviewed_by_id"), ["reviewed_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_document_files_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_files_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_document_files_reviewed_by_id"))
        batch_op.drop_index("ix_document_files_enrolment_kind")

    op.drop_table("document_files")
