"""checks to do again after a family's change

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00

Once a vetting check is recorded, a family's change to what it covered (address, household,
pets, smoking, bedrooms, beds, shared room, references) reopens it
(app/services/hosting/rechecks.py). host_applications.to_check_again holds the checks waiting
to be recorded again with the topics changed since, as "check:topic" pairs; an event of
vetting_events names in `reopened` the checks it reopened. Both are empty for the rows
already stored: no check of theirs is waiting.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("host_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("to_check_again", sa.String(length=300), server_default="", nullable=False)
        )
    with op.batch_alter_table("vetting_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopened", sa.String(length=300), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("vetting_events", schema=None) as batch_op:
        batch_op.drop_column("reopened")
    with op.batch_alter_table("host_applications", schema=None) as batch_op:
        batch_op.drop_column("to_check_again")
