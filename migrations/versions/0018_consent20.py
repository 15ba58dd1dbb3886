"""programmes may require the consent of both guardians

Revision ID: 0018_consent20
Revises: 0018_apply20
Create Date: 2026-12-02 23:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_consent20"
down_revision = "0018_apply20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(
            sa.Column("consent_of_both", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("consent_of_both")
