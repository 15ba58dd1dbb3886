"""guardians' and adult students' accounts: the role, links to students, invitations

Revision ID: 0017_guardian20
Revises: 0016_msg19
Create Date: 2026-12-02 22:50:00

The role is a string column with a CHECK constraint of the allowed values: the constraint is
replaced. SQLite cannot change a constraint in place, so the users table is copied; its
foreign keys are switched off for the copy (dropping the old table would otherwise delete or
empty what refers to it: login sessions, links, authors).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_guardian20"
down_revision = "0016_msg19"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "coordinator", "teacher", "host_family")
NEW_ROLES = (*OLD_ROLES, "guardian")


def _roles(roles: tuple[str, ...]) -> None:
    check = "role IN ({})".format(", ".join(f"'{role}'" for role in roles))
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
        op.create_check_constraint(op.f("ck_users_role"), "users", check)
        return
    op.execute("PRAGMA foreign_keys = OFF")
    try:
        with op.batch_alter_table("users", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
            batch_op.create_check_constraint("role", check)
    finally:
        op.execute("PRAGMA foreign_keys = ON")


def upgrade():
    _roles(NEW_ROLES)
    op.create_table(
        "student_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_student_accounts_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_accounts_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_student_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_accounts")),
        sa.UniqueConstraint("user_id", "student_id", name="uq_student_accounts_user_student"),
    )
    with op.batch_alter_table("student_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_accounts_guardian_id"), ["guardian_id"])
        batch_op.create_index(batch_op.f("ix_student_accounts_student_id"), ["student_id"])
        batch_op.create_index(batch_op.f("ix_student_accounts_user_id"), ["user_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_invitations_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_invitations_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_accepted_by_id"), ["accepted_by_id"])
        batch_op.create_index(batch_op.f("ix_invitations_expires_at"), ["expires_at"])
        batch_op.create_index(batch_op.f("ix_invitations_guardian_id"), ["guardian_id"])
        batch_op.create_index(batch_op.f("ix_invitations_invited_by_id"), ["invited_by_id"])
        batch_op.create_index(batch_op.f("ix_invitations_student_id"), ["student_id"])


def downgrade():
    op.drop_table("invitations")
    op.drop_table("student_accounts")
    op.execute("DELETE FROM users WHERE role = 'guardian'")
    _roles(OLD_ROLES)
