"""Configuration classes. Secrets and deployment details come from the environment."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _instance_secret() -> str:
    """A development secret kept under instance/ so that sessions survive a restart."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _names(variable: str) -> list[str] | None:
    """A comma-separated list from the environment; None when it is not set."""
    names = [name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()]
    return names or None


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'austausch.db'}")
    # hide_parameters: a database error in the log shows the SQL, never the values (names,
    # health notes) it was sent with. No pool_pre_ping (a round trip per request): a pooled
    # PostgreSQL connection is checked by a poll of its socket when it is taken
    # (app/database.py), a statement that finds the server gone invalidates the pool
    # (SQLAlchemy's disconnect handling), and pool_recycle replaces connections after half an
    # hour, before a firewall or proxy drops them silently for idling.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 1800, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # Enforced on the server, whatever the cookies say: a login session ends after this long
    # without a request, and this long after the login at the latest.
    SESSION_IDLE_LIMIT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "720")))
    SESSION_MAX_AGE = timedelta(days=int(os.environ.get("SESSION_MAX_DAYS", "14")))

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    LANGUAGES = ("en", "de")  # what the language switch offers
    BABEL_DEFAULT_LOCALE = "en"
    # English comes in these variants (spelling from app/translations/en_US, dates and numbers
    # from Babel): host families read US English, others what their browser asks for, else
    # British English, the source's spelling (dates 02/12/2026, 4 July 1977). Never plain
    # "en": gettext would read it as en_US and give staff the US spelling.
    ENGLISH_VARIANTS = ("en_GB", "en_US")
    DEFAULT_ENGLISH = "en_GB"
    FAMILY_ENGLISH = "en_US"
    # Stored in UTC, shown in the organisation's time zone.
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Europe/Berlin")

    # How many proxies in front of the application set X-Forwarded-For and -Proto (a TLS proxy:
    # 1). With 0 the address a request came from is the connection's: behind a proxy that is
    # the proxy's, shared by everybody.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The host names this site answers to (Flask refuses others): links in emails are built
    # from the request's host, so a forged Host header must not reach them.
    TRUSTED_HOSTS = _names("TRUSTED_HOSTS")
    # Where the site is reached from outside: links in emails that commands send (no request
    # to take the host from), e.g. `flask care send-alerts`.
    APPLICATION_URL = os.environ.get("APPLICATION_URL", "http://localhost:5000")

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Wrong passwords (at login and when changing the password) per account, whether or not
    # the account exists: the wait grows with the failures. Kept in the database.
    LOGIN_FAILURE_LIMIT = os.environ.get(
        "LOGIN_FAILURE_LIMIT", "5 per minute; 10 per 10 minutes; 20 per hour; 50 per day"
    )
    # Failed logins per client address, over all accounts: far above what one person's typos
    # reach (their account stops them first), so a school behind one address is not stopped.
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "30 per minute; 200 per hour")
    # The account holder is told by email at this many wrong passwords within a day.
    LOGIN_FAILURE_WARNING = int(os.environ.get("LOGIN_FAILURE_WARNING", "10"))
    # Emails with a link (a new password, confirming the address) per address asked for, and
    # requests for them per client address.
    LINK_EMAIL_LIMIT = os.environ.get("LINK_EMAIL_LIMIT", "3 per hour; 10 per day")
    LINK_ADDRESS_LIMIT = os.environ.get("LINK_ADDRESS_LIMIT", "10 per minute; 50 per hour")
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "30"))
    CONFIRMATION_LINK_HOURS = int(os.environ.get("CONFIRMATION_LINK_HOURS", "72"))
    # How long an invitation to a guardian (or adult student) works.
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))

    HSTS = False
    # `flask demo` may fill an empty database with fictional accounts whose password is
    # published: never with the production settings.
    DEMO_ALLOWED = True

    # The programme coordinator families and teachers call (shown on their pages and cards).
    COORDINATOR_NAME = os.environ.get("COORDINATOR_NAME", "")
    COORDINATOR_PHONE = os.environ.get("COORDINATOR_PHONE", "")
    COORDINATOR_EMAIL = os.environ.get("COORDINATOR_EMAIL", "")

    # Printed on every emergency card, next to the coordinator (configurable per programme).
    EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "911")
    CONSULATE_NAME = os.environ.get(
        "CONSULATE_NAME", "Generalkonsulat der Bundesrepublik Deutschland New York"
    )
    CONSULATE_PHONE = os.environ.get("CONSULATE_PHONE", "+1 212 610 9700")
    CONSULATE_ADDRESS = os.environ.get(
        "CONSULATE_ADDRESS", "871 United Nations Plaza, New York, NY 10017"
    )
    # Print views and PDFs take at most this many students (CSV and XLSX take any number).
    ROSTER_PRINT_LIMIT = int(os.environ.get("ROSTER_PRINT_LIMIT", "1000"))

    # Email: "smtp" sends through the server below; "console" prints (development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "Austausch <austausch@localhost>")
    # Where answers go (Reply-To, and the address of List-Unsubscribe); empty: MAIL_FROM.
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
    # At most this many emails leave within any minute (all workers together), so that a
    # message to a whole cohort does not trip the mail provider's limits; the rest wait in
    # the outbox for `flask mail send`. 0: no limit.
    MAIL_PER_MINUTE = int(os.environ.get("MAIL_PER_MINUTE", "60"))

    # Uploaded files (app/storage/): "folder" keeps them in STORAGE_FOLDER (owner-only
    # permissions), "s3" in the bucket of an S3-compatible object store (several machines).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "folder")
    STORAGE_FOLDER = os.environ.get("STORAGE_FOLDER", str(INSTANCE_DIR / "files"))
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS S3
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    # The largest file a person may upload (bytes); the checks say it in MB.
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

    # Background jobs (app/jobs/, Huey): the queue. A SQLite file under instance/ (one
    # machine; `make run` starts a worker with the application), or redis://host:port/0 so
    # that the web servers and the workers (`flask jobs worker`) of several machines share it.
    JOBS_URL = os.environ.get("JOBS_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}")
    JOBS_IMMEDIATE = False  # True: a job runs in the request that queues it (tests)
    JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", "2"))  # threads of `flask jobs worker`
    # A roster or emergency cards of more students than this are a PDF made by a job (the
    # page shows its progress); smaller ones are made in the request.
    PDF_JOB_THRESHOLD = int(os.environ.get("PDF_JOB_THRESHOLD", "80"))
    # With more students than this in the database, the privacy page's preview of the purge
    # is worked out by a job (seconds at national size).
    PURGE_PREVIEW_JOB_STUDENTS = int(os.environ.get("PURGE_PREVIEW_JOB_STUDENTS", "5000"))
    # A group message to more recipients than this is sent by a job (an email each).
    GROUP_MESSAGE_JOB_RECIPIENTS = int(os.environ.get("GROUP_MESSAGE_JOB_RECIPIENTS", "200"))


class DevelopmentConfig(Config):
    """`make run` on a laptop: embedded SQLite under instance/."""

    SECRET_KEY = Config.SECRET_KEY or _instance_secret()
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestingConfig(Config):
    """The test suite. CSRF stays on: tests send the token like a browser does."""

    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "console"  # tests that check email start a local SMTP server
    # Still scrypt, with a smaller work factor: hashing is most of the time of many tests.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 (a method, not a password)
    # Files of the tests go to a temporary folder of this process, never to instance/;
    # a test that looks at the files passes its own (STORAGE_FOLDER=tmp_path).
    STORAGE_BACKEND = "folder"
    STORAGE_FOLDER = str(Path(tempfile.gettempdir()) / f"austausch-test-files-{os.getpid()}")
    # Jobs run where they are queued, after the request's commit; tests of the worker itself
    # give a queue file (JOBS_URL="sqlite:///...", JOBS_IMMEDIATE=False).
    JOBS_URL = "memory://"
    JOBS_IMMEDIATE = True


class ProductionConfig(Config):
    """gunicorn with several workers, usually on PostgreSQL."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    DEMO_ALLOWED = False

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key."""
        key = cls.SECRET_KEY or ""
        if len(key) < 32 or key.lower() in {"change-me", "changeme", "secret", "dev"}:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                'in production, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
