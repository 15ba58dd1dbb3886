"""each guardian's language: letters and emails to a guardian in English or German

Revision ID: 0015_lang19
Revises: 0014
Create Date: 2026-12-02 18:05:00

guardians.locale ("en" or "de"); none known means German (the guardians are in Dortmund).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_lang19"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.drop_column("locale")
