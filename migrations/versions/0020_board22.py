"""board22: a partial index of the applications still in vetting (the vetting queue), and
students by date of birth (the import preview's check of duplicates)

Revision ID: 0020_board22
Revises: 0019_map21
Create Date: 2026-12-03 06:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_board22"
down_revision = "0019_map21"
branch_labels = None
depends_on = None

IN_VETTING = "status IN ('submitted', 'references_checked', 'background_cleared', 'home_visited')"


def upgrade():
    with op.batch_alter_table("students") as batch:
        batch.create_index("ix_students_date_of_birth", ["date_of_birth"], unique=False)
    with op.batch_alter_table("host_applications") as batch:
        batch.create_index(
            "ix_host_applications_in_vetting",
            ["submitted_at", "id"],
            unique=False,
            sqlite_where=sa.text(IN_VETTING),
            postgresql_where=sa.text(IN_VETTING),
        )


def downgrade():
    with op.batch_alter_table("students") as batch:
        batch.drop_index("ix_students_date_of_birth")
    with op.batch_alter_table("host_applications") as batch:
        batch.drop_index("ix_host_applications_in_vetting")
