"""emailed links, attempts the limits on passwords count, confirmed email addresses

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00

Accounts can be recovered by email: account_links keeps the SHA-256 of each link's token, with
its purpose, expiry and use. Families who sign up confirm their address before they can log
in: users.email_confirmed_at. Every account that exists already keeps working as before, so it
counts as confirmed from its creation. attempts holds wrong passwords and requests for links,
which the limits on guessing passwords count per account (a keyed hash of the email) and per
client address.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "wrong_password",
                "link_requested",
                name="attempt_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempts_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_attempts_kind_account_key_at", ["kind", "account_key", "at"], unique=False
        )
        batch_op.create_index(
            "ix_attempts_kind_ip_address_at", ["kind", "ip_address", "at"], unique=False
        )

    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "reset_password",
                "confirm_email",
                name="link_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_links_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_account_links_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    users = sa.table("users", sa.column("created_at"), sa.column("email_confirmed_at"))
    op.execute(users.update().values(email_confirmed_at=users.c.created_at))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")

    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_links_user_id"))
        batch_op.drop_index(batch_op.f("ix_account_links_expires_at"))
    op.drop_table("account_links")

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_kind_ip_address_at")
        batch_op.drop_index("ix_attempts_kind_account_key_at")
        batch_op.drop_index(batch_op.f("ix_attempts_at"))
    op.drop_table("attempts")
