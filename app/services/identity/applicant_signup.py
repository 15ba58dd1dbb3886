"""A guardian (or a student of 18 or more) signs up to apply online: an account of the role
"Parent or student", confirmed by a link in the welcome email before it can log in, as a
host family's sign-up (hosting/signup.py). Nobody learns from it whether an address has an
account."""

from __future__ import annotations

from flask import current_app

from app.models import Role, User
from app.services.errors import DomainError
from app.services.identity import accounts, recovery
from app.services.identity.passwords import hash_password, password_problem
from app.services.mail import notifications, templates


def sign_up(
    email: str, password: str, confirm_link: recovery.Link, language: str | None = None
) -> User | None:
    """Create the account (unconfirmed) and email the link that confirms the address; None,
    and an email to the owner, when the address already has an account. The caller answers
    both cases alike."""
    address = accounts.normalise_email(email)
    problem = password_problem(password, address)
    if problem:  # checked first, so that a taken email gets the same answer
        raise DomainError(problem, "password")
    existing = accounts.find_user(address)
    if existing is not None:
        hash_password(password)  # the same work as a new account, so timing tells nothing
        with notifications.in_language(existing):
            subject, body = templates.render("apply.taken", templates.language(), {})
        notifications.queue(existing.email, subject, body)
        return None
    user = accounts.create_user(address, password, Role.GUARDIAN, confirmed=False)
    user.locale = language if language in current_app.config["LANGUAGES"] else None
    url = recovery.confirmation_link(user, confirm_link)
    hours = current_app.config["CONFIRMATION_LINK_HOURS"]
    with notifications.in_language(user):
        values = {"link": url, "hours": hours}
        subject, body = templates.render("apply.welcome", templates.language(), values)
    notifications.queue(address, subject, body)
    return user
