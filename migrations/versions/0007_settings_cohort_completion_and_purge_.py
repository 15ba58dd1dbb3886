"""settings, cohort completion and purge, cohort statistics

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:53:45.669728

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('cohort_statistics',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.Column('families', sa.Integer(), nullable=False),
    sa.Column('schools', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_statistics_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_cohort_statistics'))
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(), nullable=True))
    # Cohorts completed before this revision: retention counts from their return.
    op.execute(
        "UPDATE cohorts SET completed_at = return_date "
        "WHERE status IN ('completed', 'archived') AND completed_at IS NULL"
    )



def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
        batch_op.drop_column('completed_at')

    op.drop_table('cohort_statistics')
    op.drop_table('settings')
