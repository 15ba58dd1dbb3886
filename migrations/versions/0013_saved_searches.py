"""saved searches: the last search of each list, per login session

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 11:20:00

The list pages remembered their last search (often a student's name) in Flask's session
cookie, which is signed but not encrypted: anybody holding the cookie could read it. It is
kept here now, one row per login session and list, deleted with the login session by the
foreign key. Searches still in people's cookies are dropped when a list is next opened.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_searches",
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("words", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_token"],
            ["login_sessions.token"],
            name=op.f("fk_saved_searches_session_token_login_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_token", "list_name", name=op.f("pk_saved_searches")),
    )


def downgrade():
    op.drop_table("saved_searches")
