"""reminders sent by `flask reminders send`, each once

Revision ID: 0015_remind19
Revises: 0015_mail19
Create Date: 2026-12-02 18:00:00

One row per reminder and recipient; the unique constraint lets only one of two runs at once
send it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_remind19"
down_revision = "0015_mail19"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminders")),
        sa.UniqueConstraint(
            "kind",
            "target_type",
            "target_id",
            "key",
            "recipient",
            name="uq_sent_reminders_once",
        ),
    )
    with op.batch_alter_table("sent_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_reminders_sent_at"), ["sent_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sent_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_reminders_sent_at"))
    op.drop_table("sent_reminders")
