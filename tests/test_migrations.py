"""The schema changes only through migrations: they build the models' schema and undo it."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.services.identity import accounts
from app.services.identity.passwords import hash_password
from tests.conftest import make_config


@contextmanager
def empty_database(database_url: str, tmp_path):
    """A brand-new database on the same server as the test database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"austausch_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migrated_app(database_url, tmp_path):
    with empty_database(database_url, tmp_path) as url:
        application = create_app(make_config(url))
        yield application
        with application.app_context():
            db.engine.dispose()


def user_tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_to_head_matches_the_models(migrated_app):
    with migrated_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        assert user_tables(db.engine) == set(db.metadata.tables)


def test_downgrade_to_base_and_up_again(migrated_app):
    with migrated_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert user_tables(db.engine) == set()
        upgrade()
        assert user_tables(db.engine) == set(db.metadata.tables)


def test_accounts_that_exist_before_0011_keep_logging_in(migrated_app):
    """Families confirm their address since 0011; every account made before counts as
    confirmed from its creation."""
    created = datetime(2026, 3, 1, 9, 30)
    with migrated_app.app_context():
        upgrade(revision="0009")
        users = sa.table(
            "users",
            sa.column("email"),
            sa.column("password_hash"),
            sa.column("role"),
            sa.column("active"),
            sa.column("created_at"),
        )
        with db.engine.begin() as conn:
            conn.execute(
                users.insert().values(
                    email="family@example.org",
                    password_hash=hash_password("maple-syrup-waffles"),
                    role="host_family",
                    active=True,
                    created_at=created,
                )
            )
        upgrade()
        user = accounts.find_user("family@example.org")
        assert user.email_confirmed_at == created
        assert accounts.authenticate("family@example.org", "maple-syrup-waffles") == user
        db.session.rollback()


def test_0017_keeps_what_refers_to_accounts_and_allows_guardians(migrated_app):
    """The role's constraint is replaced by copying the users table on SQLite: the login
    sessions and links of existing accounts survive it, and a guardian can be stored."""
    with migrated_app.app_context():
        upgrade(revision="0016_msg19")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, password_hash, role, active, created_at, "
                    "email_confirmed_at) VALUES (7, 'coord@example.org', 'x', 'coordinator', "
                    ":yes, :now, :now)"
                ),
                {"yes": True, "now": datetime(2026, 3, 1, 9, 30)},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO login_sessions (token, user_id, created_at, last_seen_at) "
                    "VALUES ('t1', 7, :now, :now)"
                ),
                {"now": datetime(2026, 3, 1, 9, 30)},
            )
        upgrade()
        with db.engine.begin() as conn:
            sessions = conn.execute(sa.text("SELECT token FROM login_sessions")).scalars().all()
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, role, active, created_at) "
                    "VALUES ('parent@example.org', 'x', 'guardian', :yes, :now)"
                ),
                {"yes": True, "now": datetime(2026, 3, 1, 9, 30)},
            )
        assert sessions == ["t1"]
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, role, active, created_at) "
                    "VALUES ('x@example.org', 'x', 'pirate', :yes, :now)"
                ),
                {"yes": True, "now": datetime(2026, 3, 1, 9, 30)},
            )
