"""Austausch: school exchanges between twin cities."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.numbers import DatabaseId
from app.request import Request
from config import CONFIGS, Config, ProductionConfig


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands."""
    config_class = config_class or CONFIGS[os.environ.get("AUSTAUSCH_ENV", "development")]
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(__name__, template_folder="../templates")
    app.request_class = Request
    app.config.from_object(config_class)
    app.url_map.converters["int"] = DatabaseId
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address and scheme are those the nearest
    proxy saw (X-Forwarded-For, X-Forwarded-Proto): the limits on logins count per visitor,
    not per proxy. Without, these headers are ignored: anybody could write them."""
    count = app.config["TRUSTED_PROXIES"]
    if count < 0:
        raise RuntimeError("TRUSTED_PROXIES is the number of proxies: 0 or more")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_extensions(app: Flask) -> None:
    from app import (
        database,
        forms,
        i18n,
        kept,  # noqa: F401 (its listeners give the kept counts a new version)
        labels,
    )
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.services.privacy import audit  # noqa: F401 (its listener notes changes at every flush)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    forms.init_app(app)
    labels.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.account import bp as account_bp
    from app.admin import bp as admin_bp
    from app.apply import bp as apply_bp
    from app.auth import bp as auth_bp
    from app.cohorts import bp as cohorts_bp
    from app.concerns import bp as concerns_bp
    from app.contacts import bp as contacts_bp
    from app.enrolments import bp as enrolments_bp
    from app.families import bp as families_bp
    from app.guardians import bp as guardians_bp
    from app.history import bp as history_bp
    from app.imports import bp as imports_bp
    from app.invitations import bp as invitations_bp
    from app.jobs import bp as jobs_bp
    from app.jobs import queue as jobs_queue
    from app.main import bp as main_bp
    from app.messages import bp as messages_bp
    from app.placements import bp as placements_bp
    from app.privacy import bp as privacy_bp
    from app.rosters import bp as rosters_bp
    from app.students import bp as students_bp
    from app.teachers import bp as teachers_bp
    from app.vetting import bp as vetting_bp

    for blueprint in (
        main_bp,
        auth_bp,
        account_bp,
        history_bp,
        admin_bp,
        cohorts_bp,
        students_bp,
        enrolments_bp,
        imports_bp,
        families_bp,
        vetting_bp,
        teachers_bp,
        placements_bp,
        rosters_bp,
        privacy_bp,
        contacts_bp,
        concerns_bp,
        messages_bp,
        guardians_bp,
        invitations_bp,
        apply_bp,
        jobs_bp,
    ):
        app.register_blueprint(blueprint)
    jobs_queue.init_app(app)  # after the blueprints, whose modules register the jobs' kinds


def register_hooks(app: Flask) -> None:
    from app import access, errors, headers, unit_of_work
    from app.auth import sessions

    sessions.init_app(app)
    access.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    unit_of_work.init_app(app)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)
