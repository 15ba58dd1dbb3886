"""One unit of work per request and per command: what a view or a command writes is committed
once, when it has ended well, and rolled back otherwise. Services only flush.

A request is committed after its view has returned, so its page is rendered before the commit
expires the rows it loaded. Nothing of it is kept when
- the answer is an error (a 4xx or 5xx page),
- a service refused (see `refusals`): the refusal is shown, nothing after it is kept,
- it is a HEAD request: its body is never sent, so nothing was seen or downloaded.
A commit that fails gives the usual error page (500, or 503 while the database is away).
What has to wait for the commit, like sending the emails the request queued, runs after it
(`after_commit`, `send_queued_mail`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from flask import Flask, Response, current_app, flash, g, request, session
from flask_wtf import FlaskForm

from app import errors
from app.extensions import db
from app.forms import apply_domain_error
from app.services.errors import DomainError
from app.services.mail import notifications

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Refused:
    """What `refusals` caught: the service's refusal, or None while nothing was refused."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def refusals(form: FlaskForm | None = None, *, show: bool = True) -> Iterator[Refused]:
    """Run the block's service calls; a DomainError (ValidationFailed too) they raise is a
    refusal. Everything the request wrote is rolled back, nothing it writes afterwards is
    committed, and the message is shown next to the form's field (flashed without a form).
    With show=False the view shows it itself, from refused.error."""
    refused = Refused()
    try:
        yield refused
    except DomainError as error:
        refuse()
        refused.error = error
        if not show:
            return
        if form is not None:
            apply_domain_error(form, error)
        else:
            flash(error.message, "error")


def refuse() -> None:
    """Undo what the request wrote, and keep whatever it writes later from being committed."""
    db.session.rollback()
    g.refused = True


def after_commit(action: Callable[[], object]) -> None:
    """Run the action once the request's (or command's) work is committed; never when not."""
    g.setdefault("after_commit", []).append(action)


def send_queued_mail(*, after_response: bool = False) -> None:
    """Send the emails this request queued, right after its commit (an email that cannot be
    sent waits in the outbox for `flask mail send`). With after_response they go once the
    answer has been sent (when this request queued any), so that how long it took tells nobody
    whether an email was sent (that is, whether an address has an account)."""
    if after_response:
        g.mail_after_response = True
    else:
        after_commit(lambda: notifications.deliver_pending(new_only=True))


def _deliver_after(app: Flask) -> Callable[[], None]:
    """Sending, for when the response is closed: the request's context is gone by then."""

    def deliver() -> None:
        with app.app_context():
            try:
                notifications.deliver_pending(new_only=True)
            except Exception as error:  # the answer has gone: the emails wait in the outbox
                app.logger.error(
                    "Queued emails not sent after the answer: %s", type(error).__name__
                )

    return deliver


def _run_after_commit() -> None:
    for action in g.pop("after_commit", []):
        try:
            action()
        except Exception as error:  # the work is committed: the answer stays as it is
            db.session.rollback()
            errors.log_unexpected(error)


def finish_request(response: Response) -> Response:
    """after_request: commit the request's work when it ended well, else roll it back."""
    queued = db.session.info.pop(notifications.QUEUED, False)
    if g.get("refused") or response.status_code >= 400 or request.method == "HEAD":
        g.pop("after_commit", None)
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception as error:
        # The view's messages ("saved") would show on the next page: nothing was saved.
        session.pop("_flashes", None)
        return current_app.make_response(errors.handle_unexpected(error))
    _run_after_commit()
    if g.pop("mail_after_response", False) and queued:
        response.call_on_close(_deliver_after(current_app._get_current_object()))
    return response


def committed(command: F) -> F:
    """A command's unit of work: committed when the command ends well; a refusal is rolled
    back and printed as the command's error (exit status 1)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        _run_after_commit()
        return result

    return run  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    # Registered after the other hooks, so it runs before them: an error page made from a
    # failed commit gets their headers too.
    app.after_request(finish_request)
