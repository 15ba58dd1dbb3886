"""speed22: an index of placements by end day (the temporary placements ending soon)

Revision ID: 0019_speed22
Revises: 0019_jobs22
Create Date: 2026-12-03 03:40:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_speed22"
down_revision = "0019_jobs22"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("placements") as batch:
        batch.create_index("ix_placements_ends_on", ["ends_on"], unique=False)


def downgrade():
    with op.batch_alter_table("placements") as batch:
        batch.drop_index("ix_placements_ends_on")
