"""The unit of work (app/unit_of_work.py): a request or a command commits once, when it ends
well; a refusal, an error page, a failed commit and a HEAD request keep nothing; emails queued
by a request go out after its commit, never before it and never when it was refused."""

from __future__ import annotations

import click
import pytest
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template_string
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.access import public
from app.cli import Commands
from app.extensions import db
from app.models import AuditEntry, OutboxEmail, Role, User
from app.printing import pdf
from app.services.errors import DomainError
from app.services.mail import notifications
from app.services.privacy import audit
from app.unit_of_work import refusals, send_queued_mail
from tests.conftest import count, post
from tests.factories import make_cohort

FLASHES = "{% for message in get_flashed_messages() %}[{{ message }}]{% endfor %}"


def write(action: str = "probe.written") -> None:
    audit.record(action)


def refuse_now() -> None:
    with refusals():
        write("probe.refused")
        raise DomainError("No, not now.")


def shown() -> str:
    return render_template_string(FLASHES)


def probe_ok():
    write()
    return shown()


def probe_redirect():
    write()
    return redirect("/")


def probe_refused():
    write("probe.before")
    refuse_now()
    write("probe.after")  # the request is refused: this is not kept either
    return shown()


def probe_error(code: int):
    write()
    if code == 404:
        abort(404)
    if code == 500:
        raise RuntimeError("a bug")
    return "no", code


def probe_broken_commit():
    write()
    flash("Saved.", "success")
    db.session.add(AuditEntry(action=None))  # NOT NULL: the flush at the commit fails
    return redirect("/")


def probe_mail():
    notifications.queue("family@example.org", "Welcome", "Hello")
    send_queued_mail()
    return "queued"


def probe_mail_refused():
    notifications.queue("family@example.org", "Welcome", "Hello")
    send_queued_mail()
    refuse_now()
    return shown()


PROBES = {
    "/probe/ok": probe_ok,
    "/probe/redirect": probe_redirect,
    "/probe/refused": probe_refused,
    "/probe/error/<int:code>": probe_error,
    "/probe/broken-commit": probe_broken_commit,
    "/probe/mail": probe_mail,
    "/probe/mail-refused": probe_mail_refused,
}


@pytest.fixture
def probed(app, client):
    """The application with views of its own that write audit entries named "probe.*"."""
    for rule, view in PROBES.items():
        app.add_url_rule(rule, view.__name__, public(view))
    return client


def stored(app, prefix: str = "probe.") -> list[str]:
    with app.app_context():
        query = sa.select(AuditEntry.action).where(AuditEntry.action.startswith(prefix))
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


# --- requests ----------------------------------------------------------------------------------


def test_a_request_that_ends_well_is_committed(app, probed):
    assert probed.get("/probe/ok").status_code == 200
    assert probed.get("/probe/redirect").status_code == 302
    assert stored(app) == ["probe.written", "probe.written"]


def test_a_refusal_is_shown_and_keeps_nothing_before_or_after_it(app, probed):
    response = probed.get("/probe/refused")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "[No, not now.]"
    assert stored(app) == []


@pytest.mark.parametrize("code", [400, 404, 409, 500])
def test_an_error_answer_keeps_nothing(app, probed, code):
    assert probed.get(f"/probe/error/{code}").status_code == code
    assert stored(app) == []


def test_a_head_request_keeps_nothing(app, probed):
    """Its body is never sent: nothing was seen, so no view of it is recorded."""
    assert probed.head("/probe/ok").status_code == 200
    assert stored(app) == []


def test_a_failed_commit_gives_the_error_page_and_keeps_nothing(app, probed):
    response = probed.get("/probe/broken-commit")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert stored(app) == []
    # The view's "Saved." was never true: neither this page nor the next one shows it.
    assert "Saved." not in page
    assert probed.get("/probe/ok").get_data(as_text=True) == ""


def test_a_commit_without_the_database_gives_the_503_page(app, probed, monkeypatch):
    real_commit = Session.commit

    def lost(session):
        monkeypatch.setattr(Session, "commit", real_commit)
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", lost)
    response = probed.get("/probe/ok")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)
    assert stored(app) == []


def test_queued_mail_is_sent_after_the_commit(app, probed, monkeypatch):
    """Not merely after a commit: the outbox commits each claim before it sends, so a send
    called early would commit the request's work half-way."""
    real_deliver, pending_work = notifications.deliver_pending, []

    def deliver(**kwargs):
        pending_work.append(db.session().in_transaction())
        return real_deliver(**kwargs)

    monkeypatch.setattr(notifications, "deliver_pending", deliver)
    monkeypatch.setattr(notifications, "_send", lambda email: None)
    assert probed.get("/probe/mail").status_code == 200
    assert pending_work == [False]  # everything was committed when the sending began
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxEmail.sent_at)) is not None


def test_a_refused_request_sends_no_mail(app, probed, monkeypatch):
    sent = []
    monkeypatch.setattr(notifications, "_send", sent.append)
    assert probed.get("/probe/mail-refused").get_data(as_text=True) == "[No, not now.]"
    assert sent == []
    assert count(app, OutboxEmail) == 0


# --- downloads ---------------------------------------------------------------------------------


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


def test_a_download_records_its_use_once(app, coordinator):
    cohort_id = make_cohort(app)
    response = coordinator.get(f"/rosters/cohorts/{cohort_id}/roster.csv")
    assert response.status_code == 200
    response.get_data()
    assert stored(app, "roster.") == ["roster.csv"]
    assert coordinator.head(f"/rosters/cohorts/{cohort_id}/roster.csv").status_code == 200
    assert stored(app, "roster.") == ["roster.csv"]


def test_a_download_that_fails_records_nothing(app, coordinator, monkeypatch):
    cohort_id = make_cohort(app)

    def broken(_html):
        raise RuntimeError("the PDF engine failed")

    monkeypatch.setattr(pdf, "render", broken)
    assert coordinator.get(f"/rosters/cohorts/{cohort_id}/cards.pdf").status_code == 500
    assert stored(app, "cards.") == []


def test_a_streamed_export_holds_its_own_committed_entry(app, auth, client):
    auth.login_as(Role.ADMIN)
    lines = client.get("/admin/audit.csv").get_data(as_text=True).splitlines()
    assert sum(",audit.exported," in line for line in lines) == 1
    assert stored(app, "audit.exported") == ["audit.exported"]


# --- commands ----------------------------------------------------------------------------------

probe_cli = Commands("probe")


@probe_cli.command("write")
def probe_write() -> None:
    write()
    click.echo("Written.")


@probe_cli.command("refuse")
def probe_refuse() -> None:
    write()
    raise DomainError("No, not now.")


@probe_cli.command("fail")
def probe_fail() -> None:
    write()
    raise click.ClickException("Something else.")


def test_a_command_that_ends_well_is_committed(app, runner):
    result = runner.invoke(probe_cli, ["write"])
    assert (result.exit_code, result.output) == (0, "Written.\n")
    assert stored(app) == ["probe.written"]


def test_a_refused_command_prints_why_and_keeps_nothing(app, runner):
    result = runner.invoke(probe_cli, ["refuse"])
    assert result.exit_code == 1
    assert "Error: No, not now." in result.output
    assert "Traceback" not in result.output
    assert stored(app) == []


def test_a_command_that_fails_keeps_nothing(app, runner):
    result = runner.invoke(probe_cli, ["fail"])
    assert result.exit_code == 1
    assert "Error: Something else." in result.output
    assert stored(app) == []


def test_a_refused_form_shows_the_message_next_to_its_field(app, auth, client):
    auth.login_as(Role.ADMIN, "boss@example.org")
    data = {"email": "boss@example.org", "password": "another-long-password", "role": "teacher"}
    page = post(client, "/admin/users", data).get_data(as_text=True)
    assert "An account with this email already exists." in page
    assert count(app, User) == 1
