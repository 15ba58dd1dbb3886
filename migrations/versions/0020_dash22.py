"""the version of the kept counts (app/kept.py): a settings row, new on every change

Revision ID: 0020_dash22
Revises: 0020_board22
Create Date: 2026-12-03 06:00:00
"""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_dash22"
down_revision = "0020_board22"
branch_labels = None
depends_on = None

settings = sa.table(
    "settings",
    sa.column("key", sa.String),
    sa.column("value", sa.String),
    sa.column("updated_at", sa.DateTime),
)


def upgrade():
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(settings, [{"key": "kept_version", "value": uuid4().hex, "updated_at": now}])


def downgrade():
    op.execute(settings.delete().where(settings.c.key == "kept_version"))
