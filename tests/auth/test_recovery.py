"""Getting back into an account (outside audit 2026-12, finding 4): a link by email to choose a
new password (single-use, 30 minutes, dead once the password changes, only its hash stored),
sent by the person or by staff; families confirm their address before the account works; no
answer tells whether an address has an account."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AccountLink, AuditEntry, LinkPurpose, LoginSession, OutboxEmail, Role, User
from app.models.base import utcnow
from tests.conftest import (
    PASSWORD,
    Auth,
    confirm_address,
    emailed_links,
    make_user,
    post,
)
from tests.services.mail.test_email_delivery import MailServer
from tests.services.privacy.traces import traces

NEW_PASSWORD = "purple-elephant-umbrella"
RESET = "/password/reset/"
FAMILY = "miller@example.org"


def flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)


def forgot(client, email: str):
    return post(client, "/password/forgot", {"email": email})


def reset(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    data = {"new_password": password, "confirm": password if confirm is None else confirm}
    return post(client, path, data)


def can_log_in(app, email: str, password: str) -> bool:
    return Auth(app, app.test_client()).login(email, password).status_code == 302


def outbox(app, recipient: str | None = None) -> list[OutboxEmail]:
    with app.app_context():
        query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
        if recipient:
            query = query.where(OutboxEmail.recipient == recipient)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def set_locale(app, email: str, locale: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).locale = locale
        db.session.commit()


def reset_link(app, client, email: str) -> str:
    """Ask for a link as the person would, and return its path."""
    assert forgot(client, email).status_code == 302
    return emailed_links(app, email, RESET)[-1]


# --- forgot password -----------------------------------------------------------------------


def test_the_login_page_offers_a_new_password_and_the_confirmation_link(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot">Forgot your password?</a>' in page
    assert 'href="/email/confirm">Send the link again</a>' in page


def test_a_forgotten_password_is_replaced_through_the_emailed_link(app, client):
    make_user(app, "staff@example.org")
    path = reset_link(app, client, "staff@example.org")
    page = client.get(path).get_data(as_text=True)
    assert "<h1>Choose a new password</h1>" in page
    response = reset(client, path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "Your new password is saved." in client.get("/login").get_data(as_text=True)
    assert can_log_in(app, "staff@example.org", NEW_PASSWORD)
    assert not can_log_in(app, "staff@example.org", PASSWORD)
    # Used once: the same link again no longer works.
    again = client.get(path)
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)
    assert reset(client, path, "another-long-passphrase").status_code == 404
    assert not can_log_in(app, "staff@example.org", "another-long-passphrase")


def test_known_and_unknown_addresses_get_the_same_answer(app):
    make_user(app, "staff@example.org")
    answers = []
    for email in ("staff@example.org", "nobody@example.org"):
        client = app.test_client()
        response = forgot(client, email)
        answers.append(
            (response.status_code, response.headers["Location"], flashes(client.get("/login").text))
        )
    assert answers[0] == answers[1]
    assert "we have sent it a link to choose a new password" in answers[0][2][0]
    assert [e.recipient for e in outbox(app)] == ["staff@example.org"]
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.action.like("password.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["password.link_sent", "password.link_not_sent"]


def post_at(client, host: str, path: str, data: dict):
    """POST a form to the site under this host name, as a browser that opened it there."""
    base_url = f"http://{host}"
    page = client.get(path, base_url=base_url)
    if page.status_code != 200:
        return page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return client.post(path, data={"csrf_token": token, **data}, base_url=base_url)


def test_the_email_is_in_the_persons_language_with_a_link_to_the_requests_host(app):
    make_user(app, "lehrer@example.org", Role.TEACHER)
    set_locale(app, "lehrer@example.org", "de")
    client = app.test_client()  # asking in English, at the host the person uses
    response = post_at(
        client, "austausch.example.org", "/password/forgot", {"email": "lehrer@example.org"}
    )
    assert response.status_code == 302
    [email] = outbox(app, "lehrer@example.org")
    assert email.subject == "Neues Passwort wählen"
    assert "30 Minuten" in email.body
    assert re.search(r"http://austausch\.example\.org/password/reset/\S{40,}", email.body)


def test_a_forged_host_is_refused_where_trusted_hosts_are_set(app_factory):
    app = app_factory(TRUSTED_HOSTS=["austausch.example.org"])
    make_user(app, "staff@example.org")
    data = {"email": "staff@example.org"}
    assert post_at(app.test_client(), "evil.example", "/password/forgot", data).status_code == 400
    assert outbox(app) == []
    good = post_at(app.test_client(), "austausch.example.org", "/password/forgot", data)
    assert good.status_code == 302
    assert "http://austausch.example.org/password/reset/" in outbox(app)[0].body


def test_the_link_expires_after_30_minutes(app, client):
    make_user(app, "staff@example.org")
    path = reset_link(app, client, "staff@example.org")
    with app.app_context():
        link = db.session.scalar(sa.select(AccountLink))
        assert link.expires_at - link.created_at == timedelta(minutes=30)
        link.expires_at = utcnow() - timedelta(seconds=1)  # 30 minutes later
        db.session.commit()
    assert client.get(path).status_code == 404
    assert reset(client, path).status_code == 404
    assert can_log_in(app, "staff@example.org", PASSWORD)


def test_the_link_dies_when_the_password_changes(app):
    make_user(app, "staff@example.org")
    path = reset_link(app, app.test_client(), "staff@example.org")
    owner = app.test_client()
    Auth(app, owner).login("staff@example.org")
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(owner, "/account/password", data).status_code == 302
    thief = app.test_client()
    assert thief.get(path).status_code == 404
    assert reset(thief, path, "another-long-passphrase").status_code == 404
    assert can_log_in(app, "staff@example.org", NEW_PASSWORD)


def test_a_new_password_kills_the_other_links_and_logs_out_everywhere(app):
    make_user(app, "staff@example.org")
    laptop = app.test_client()
    Auth(app, laptop).login("staff@example.org")
    first = reset_link(app, app.test_client(), "staff@example.org")
    second = reset_link(app, app.test_client(), "staff@example.org")
    assert reset(app.test_client(), second).status_code == 302
    assert app.test_client().get(first).status_code == 404
    assert laptop.get("/account/").status_code == 302  # logged out
    assert count_sessions(app) == 0


def count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession))


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, client):
    make_user(app, "staff@example.org")
    path = reset_link(app, client, "staff@example.org")
    response = reset(client, path, "password123")
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)
    response = reset(client, path, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert reset(client, path).status_code == 302


def test_only_a_hash_of_the_token_is_stored(app, client):
    make_user(app, "staff@example.org")
    token = reset_link(app, client, "staff@example.org").removeprefix(RESET)
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))  # the email itself holds it, of course
        db.session.commit()
    assert traces(app, [token]) == []


def test_a_deactivated_account_gets_no_link(app, client):
    make_user(app, "gone@example.org", active=False)
    assert forgot(client, "gone@example.org").status_code == 302
    assert outbox(app) == []


def test_requests_are_throttled_per_address_and_per_email(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    make_user(app, "staff@example.org")
    for n in range(5):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
        assert forgot(client, "staff@example.org").status_code == 302
    # Three emails an hour to one address, whoever asks; the answer stays the same.
    assert len(outbox(app, "staff@example.org")) == 3
    client = app.test_client()
    for _ in range(10):
        assert forgot(client, "someone@example.org").status_code == 302
    response = forgot(client, "staff@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_a_new_password_lets_the_locked_out_owner_in(app_factory):
    """Somebody guessing locks the account for a while; its owner's link lets them in at once."""
    app = app_factory(RATELIMIT_ENABLED=True)
    make_user(app, "staff@example.org")
    guesser = Auth(app, app.test_client())
    for _ in range(5):
        guesser.login("staff@example.org", "guess-guess-guess")
    assert guesser.login("staff@example.org", PASSWORD).status_code == 429
    path = reset_link(app, app.test_client(), "staff@example.org")
    assert reset(app.test_client(), path).status_code == 302
    assert can_log_in(app, "staff@example.org", NEW_PASSWORD)


# --- sent after the answer -------------------------------------------------------------------


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


def test_the_email_goes_out_after_the_answer(app_factory, mail_server):
    """How long the answer takes cannot tell whether an email was sent: it is sent once the
    answer has gone (when the server closes the response)."""
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    make_user(app, "staff@example.org")
    client = app.test_client()
    response = forgot(client, "staff@example.org")
    assert response.status_code == 302
    assert mail_server.inbox.messages == []
    response.close()
    [received] = mail_server.inbox.to("staff@example.org")
    assert received.subject == "Choose a new password"
    assert "/password/reset/" in received.body
    assert outbox(app)[0].sent_at is not None


# --- staff send a link -----------------------------------------------------------------------


def test_an_admin_sends_a_link_and_sees_no_password(app):
    user_id = make_user(app, "lehrerin@example.org", Role.TEACHER)
    set_locale(app, "lehrerin@example.org", "de")
    admin = app.test_client()
    Auth(app, admin).login_as(Role.ADMIN, "admin@example.org")
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "Send a link to choose a new password" in page
    response = post(admin, f"/admin/users/{user_id}/password-link")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "A link to choose a new password was sent" in page
    [email] = outbox(app, "lehrerin@example.org")
    assert email.subject == "Neues Passwort wählen"
    token = emailed_links(app, "lehrerin@example.org", RESET)[-1].removeprefix(RESET)
    assert token not in page
    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == "admin@example.org"))
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "password.link_sent")
        )
        assert (entry.user_id, entry.record_id) == (admin_id, user_id)
    assert reset(app.test_client(), RESET + token).status_code == 302
    assert can_log_in(app, "lehrerin@example.org", NEW_PASSWORD)


def test_no_link_for_a_deactivated_account(app):
    user_id = make_user(app, "gone@example.org", active=False)
    admin = app.test_client()
    Auth(app, admin).login_as(Role.ADMIN, "admin@example.org")
    response = post(admin, f"/admin/users/{user_id}/password-link")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "This account is deactivated. Activate it first." in page
    assert outbox(app) == []


# --- families confirm their address ----------------------------------------------------------


def sign_up(client, email: str = FAMILY, password: str = PASSWORD):
    data = {"email": email, "password": password, "confirm": password}
    return post(client, "/family/signup", data)


def test_a_family_logs_in_only_once_its_address_is_confirmed(app, client):
    assert sign_up(client).status_code == 302
    refused = Auth(app, client).login(FAMILY)
    assert refused.status_code == 200
    assert "confirm your email address first" in refused.get_data(as_text=True)
    assert client.get("/family/").status_code == 302  # not logged in
    path = emailed_links(app, FAMILY)[-1]
    assert "Confirm my email address" in client.get(path).get_data(as_text=True)
    assert Auth(app, client).login(FAMILY).status_code == 200  # opening the link is not enough
    response = post(client, path)
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "your email address is confirmed" in client.get("/login").get_data(as_text=True)
    assert Auth(app, client).login(FAMILY).status_code == 302
    assert app.test_client().get(path).status_code == 404  # used once


def test_signing_up_and_logging_in_tells_nothing_about_a_taken_address(app):
    """Before, the password one chose at sign-up opened a new account but not a taken one."""
    make_user(app, "taken@example.org", Role.TEACHER)
    answers = []
    for email in ("free@example.org", "taken@example.org"):
        client = app.test_client()
        signed = sign_up(client, email, "chosen-by-the-prober")
        login = Auth(app, client).login(email, "chosen-by-the-prober")
        page = re.sub(r'value="[^"]*"', "", login.get_data(as_text=True))
        answers.append((signed.status_code, signed.headers["Location"], login.status_code, page))
    assert answers[0] == answers[1]


def test_the_confirmation_link_expires(app, client):
    sign_up(client)
    with app.app_context():
        link = db.session.scalar(sa.select(AccountLink))
        assert link.purpose == LinkPurpose.CONFIRM_EMAIL
        assert link.expires_at - link.created_at == timedelta(hours=72)
        link.expires_at = utcnow()
        db.session.commit()
    path = emailed_links(app, FAMILY)[-1]
    assert "Send the link again" in client.get(path).get_data(as_text=True)
    assert post(client, path).status_code == 404
    assert Auth(app, client).login(FAMILY).status_code == 200


def test_send_the_link_again_answers_alike_and_sends_only_to_a_waiting_account(app, client):
    sign_up(client)  # waiting for confirmation
    make_user(app, "staff@example.org")  # confirmed
    before = len(outbox(app))
    answers = []
    for email in (FAMILY, "staff@example.org", "nobody@example.org"):
        visitor = app.test_client()
        response = post(visitor, "/email/confirm", {"email": email})
        answers.append((response.status_code, flashes(visitor.get("/login").text)))
    assert answers[0] == answers[1] == answers[2]
    assert "we have sent it a new link" in answers[0][1][0]
    assert [e.recipient for e in outbox(app)[before:]] == [FAMILY]
    assert confirm_address(app, client, FAMILY).status_code == 302
    assert Auth(app, client).login(FAMILY).status_code == 302


def test_the_welcome_email_is_in_the_language_of_the_sign_up(app, client):
    client.set_cookie("lang", "de")
    sign_up(client)
    [welcome] = outbox(app, FAMILY)
    assert welcome.subject == "Willkommen beim Austausch Dortmund–Buffalo"
    assert "72 Stunden" in welcome.body
    with app.app_context():
        assert db.session.scalar(sa.select(User.locale).where(User.email == FAMILY)) == "de"


def test_a_new_password_by_link_also_confirms_the_address(app, client):
    sign_up(client)
    path = reset_link(app, app.test_client(), FAMILY)
    assert reset(app.test_client(), path).status_code == 302
    assert can_log_in(app, FAMILY, NEW_PASSWORD)


def test_accounts_made_by_staff_and_commands_work_at_once(app, runner):
    admin = app.test_client()
    Auth(app, admin).login_as(Role.ADMIN, "admin@example.org")
    data = {"email": "made@example.org", "role": "teacher", "password": NEW_PASSWORD}
    assert post(admin, "/admin/users", data).status_code == 302
    assert can_log_in(app, "made@example.org", NEW_PASSWORD)
    args = ["users", "create", "cli@example.org", "--role", "coordinator"]
    result = runner.invoke(args=[*args, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert can_log_in(app, "cli@example.org", NEW_PASSWORD)
