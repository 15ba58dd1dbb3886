"""email format: Message-ID kept for retries, group messages, bounces

Revision ID: 0015_mail19
Revises: 0015_lang19
Create Date: 2026-12-02 18:00:00

Each outbox email keeps its Message-ID (a retry sends the same id), its kind
("transactional", or "group" with an unsubscribe link for the List-Unsubscribe header) and
when the recipient's server refused it for good (a 5xx answer: not retried).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_mail19"
down_revision = "0015_lang19"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_id", sa.String(length=255), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="transactional", nullable=False)
        )
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("bounced_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_column("bounced_at")
        batch_op.drop_column("unsubscribe_url")
        batch_op.drop_column("kind")
        batch_op.drop_column("message_id")
