"""messages to a group, their deliveries, opted-out addresses

Revision ID: 0016_msg19
Revises: 0016_tpl19
Create Date: 2026-12-02 18:20:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_msg19"
down_revision = "0016_tpl19"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("subject_en", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("subject_de", sa.String(length=200), nullable=False),
        sa.Column("body_de", sa.Text(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_group_messages_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["users.id"],
            name=op.f("fk_group_messages_sent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_messages")),
    )
    with op.batch_alter_table("group_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_messages_cohort_id"), ["cohort_id"])
        batch_op.create_index(batch_op.f("ix_group_messages_sent_at"), ["sent_at"])
    op.create_table(
        "message_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("outbox_email_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["group_messages.id"],
            name=op.f("fk_message_deliveries_message_id_group_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_email_id"],
            ["outbox_emails.id"],
            name=op.f("fk_message_deliveries_outbox_email_id_outbox_emails"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_deliveries")),
    )
    with op.batch_alter_table("message_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_deliveries_message_id"), ["message_id"])
        batch_op.create_index(batch_op.f("ix_message_deliveries_recipient_id"), ["recipient_id"])
    op.create_table(
        "message_opt_outs",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_message_opt_outs")),
    )


def downgrade():
    op.drop_table("message_opt_outs")
    with op.batch_alter_table("message_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_deliveries_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_message_deliveries_message_id"))
    op.drop_table("message_deliveries")
    with op.batch_alter_table("group_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_messages_sent_at"))
        batch_op.drop_index(batch_op.f("ix_group_messages_cohort_id"))
    op.drop_table("group_messages")
