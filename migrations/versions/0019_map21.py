"""student import: how a batch was read, its columns' mapping, and the mappings kept per school

Revision ID: 0019_map21
Revises: 0019_speed22
Create Date: 2026-12-03 03:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_map21"
down_revision = "0019_speed22"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("mapping", sa.JSON(), nullable=True))
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("school_key", sa.String(length=200), nullable=False),
        sa.Column("header_key", sa.String(length=64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_import_mappings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("header_key", "school_key", name=op.f("uq_import_mappings_header_key")),
    )


def downgrade():
    op.drop_table("import_mappings")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("mapping")
        batch_op.drop_column("source")
