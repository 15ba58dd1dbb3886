"""A host family signs up: an account (confirmed by a link in the welcome email before it can
log in) with a draft application. Nobody learns from it whether an address has an account."""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.models import Role, User
from app.models.families import HostApplication, HostFamily
from app.services.errors import DomainError
from app.services.identity import accounts, recovery
from app.services.identity.passwords import hash_password, password_problem
from app.services.mail import notifications, templates


def sign_up(
    email: str, password: str, confirm_link: recovery.Link, language: str | None = None
) -> HostFamily | None:
    """Create a family account with a draft application; the welcome email carries the link
    that confirms the address, without which the account cannot log in. `language` ("en" or
    "de": the one chosen on the page, else the browser's best match; the route passes it)
    becomes the account's: every email to the family is written in it. When the email
    already has an account nothing is created (None) and its owner is told by email; the
    caller answers both cases alike so that nobody learns who has an account."""
    address = accounts.normalise_email(email)
    problem = password_problem(password, address)
    if problem:  # checked first, so that a taken email gets the same answer
        raise DomainError(problem, "password")
    existing = accounts.find_user(address)
    if existing is not None:
        hash_password(password)  # the same work as a new account, so timing tells nothing
        _tell_the_owner(existing)
        return None
    user = accounts.create_user(address, password, Role.HOST_FAMILY, confirmed=False)
    # The language they signed up in; every email to them is written in it.
    user.locale = language if language in current_app.config["LANGUAGES"] else None
    family = HostFamily(user=user)
    db.session.add(family)
    application = HostApplication(family=family)
    db.session.add(application)
    db.session.flush()
    url = recovery.confirmation_link(user, confirm_link)
    hours = current_app.config["CONFIRMATION_LINK_HOURS"]
    with notifications.in_language(user):
        values = {"link": url, "hours": hours}
        subject, body = templates.render("signup.welcome", templates.language(), values)
    notifications.queue(address, subject, body)
    return family


def _tell_the_owner(user: User) -> None:
    with notifications.in_language(user):
        subject, body = templates.render("signup.taken", templates.language(), {})
    notifications.queue(user.email, subject, body)
