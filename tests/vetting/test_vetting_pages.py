"""The coordinators' vetting pages: the queue with its filters and alerts, an application's
page with one form per step, decisions, failed emails, and who may see any of it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from babel.dates import format_date
from flask import url_for

from app.extensions import db
from app.models import (
    ApplicationStatus,
    Cohort,
    HostApplication,
    OutboxEmail,
    Role,
    User,
    VettingEvent,
)
from app.services.hosting import vetting
from app.services.identity import accounts
from app.services.mail import notifications
from tests.conftest import Auth, count, make_user, post
from tests.factories import make_application, make_cohort
from tests.form_errors import field_error


def medium(day: date) -> str:
    """A date as staff read it without a regional browser: British English (4 Jul 2027)."""
    return format_date(day, "medium", locale="en_GB")


A = ApplicationStatus
STAFF = "coordinator@example.org"
TODAY = date.today()


# --- helpers -------------------------------------------------------------------------------


def text(page: str) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def listed(page: str) -> list[str]:
    """The families in the queue's table, in the order shown."""
    return [
        html.unescape(name)
        for name in re.findall(r'<td><a href="/vetting/\d+">([^<]+)</a></td>', page)
    ]


def flashes(page: str) -> list[str]:
    return [
        html.unescape(found).strip()
        for found in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def form_actions(page: str) -> set[str]:
    """The POST targets of the vetting steps on the page (not the header's, nor the family's
    language, which is always there)."""
    main = page.split('<main id="content"', 1)[1]
    found = set(re.findall(r'<form method="post" action="([^"]+)"', main))
    return {action for action in found if not action.endswith("/language")}


def staff_id(app) -> int:
    with app.app_context():
        return accounts.find_user(STAFF).id


def application(app, application_id: int) -> HostApplication:
    """The application, loaded in the caller's app context."""
    return db.session.get(HostApplication, application_id)


def make_family(app, name: str, *, to: A = A.SUBMITTED, expires_on: date | None = None, **kw):
    """A submitted application of the family `name`, moved through the vetting services up
    to `to` (a decision needs the steps before it, except a decline)."""
    application_id = make_application(app, f"{name.lower()}@example.org", family_name=name, **kw)
    with app.app_context():
        staff = accounts.find_user(STAFF) or db.session.get(User, make_user(app, STAFF))
        found = db.session.get(HostApplication, application_id)
        order = [A.REFERENCES_CHECKED, A.BACKGROUND_CLEARED, A.HOME_VISITED]
        target = A.HOME_VISITED if to in (A.APPROVED, A.BACKUP) else to
        steps = order[: order.index(target) + 1] if target in order else []
        for step in steps:
            if step == A.REFERENCES_CHECKED:
                vetting.check_references(found, staff.id)
            elif step == A.BACKGROUND_CLEARED:
                vetting.clear_background(found, expires_on or TODAY + timedelta(days=700), staff.id)
            else:
                vetting.record_home_visit(found, TODAY, "Karen Wojcik", "Tidy home.", staff.id)
        if to in vetting.DECISIONS:
            vetting.decide(found, to, staff.id)
        db.session.commit()
    return application_id


@pytest.fixture
def coordinator(auth):
    """A logged-in coordinator."""
    return auth.login_as(Role.COORDINATOR, STAFF)


# --- the queue -----------------------------------------------------------------------------


def test_queue_lists_submitted_applications_but_not_drafts(app, client, coordinator):
    make_family(app, "Miller")
    make_family(app, "Draftsman", submitted=False)
    page = client.get("/vetting/").get_data(as_text=True)
    assert listed(page) == ["Miller"]
    assert "draftsman@example.org" not in page
    assert "1 application found." in text(page)


def test_queue_shows_city_groups_status_and_expiry(app, client, coordinator):
    spring = make_cohort(app, name="Spring group")
    autumn = make_cohort(app, name="Autumn group")
    make_family(
        app,
        "Nguyen",
        to=A.BACKGROUND_CLEARED,
        cohort_ids=[spring, autumn],
        city="Amherst",
        expires_on=date(TODAY.year + 3, 5, 4),
    )
    row = text(client.get("/vetting/").get_data(as_text=True)).split("Background check expires")[1]
    assert "Nguyen Amherst Autumn group, Spring group" in row or (
        "Nguyen Amherst Spring group, Autumn group" in row
    )
    assert "background check cleared" in row
    assert f"4 May {TODAY.year + 3}" in row


def test_a_family_without_a_name_is_shown_by_its_email(app, client, coordinator):
    application_id = make_application(app, "nameless@example.org")
    with app.app_context():  # submitted before a family name was asked for
        application(app, application_id).family.family_name = ""
        db.session.commit()
    page = client.get("/vetting/").get_data(as_text=True)
    assert listed(page) == ["nameless@example.org"]
    assert f'href="/vetting/{application_id}"' in page


def test_queue_filters_by_status_group_city_and_search(app, client, coordinator):
    spring = make_cohort(app, name="Spring group")
    autumn = make_cohort(app, name="Autumn group")
    make_family(app, "Miller", cohort_ids=[spring], city="Buffalo")
    make_family(app, "Nguyen", to=A.REFERENCES_CHECKED, cohort_ids=[autumn], city="Amherst")
    make_family(app, "Garcia", to=A.APPROVED, cohort_ids=[spring, autumn], city="Buffalo")

    def shown(query: str) -> list[str]:
        response = client.get(f"/vetting/?{query}", follow_redirects=True)
        assert response.status_code == 200, query
        return sorted(listed(response.get_data(as_text=True)))

    # By default the queue lists the work to do: the applications still in vetting.
    assert shown("") == ["Miller", "Nguyen"]
    assert shown("status=all") == ["Garcia", "Miller", "Nguyen"]
    default = text(client.get("/vetting/").get_data(as_text=True))
    assert "Only applications still in vetting are listed." in default
    assert "Only applications" not in text(
        client.get("/vetting/?status=all").get_data(as_text=True)
    )
    assert shown("status=references_checked") == ["Nguyen"]
    assert shown("status=approved") == ["Garcia"]
    assert shown(f"cohort={spring}&status=all") == ["Garcia", "Miller"]
    assert shown(f"cohort={autumn}&status=approved") == ["Garcia"]
    assert shown("city=Amherst") == ["Nguyen"]
    assert shown("q=mill") == ["Miller"]
    assert shown("q=nguyen%40example") == ["Nguyen"]
    assert shown("q=nobody") == []
    # the filters offer what there is, and keep what was chosen
    page = client.get("/vetting/?city=Amherst").get_data(as_text=True)
    assert '<option selected value="Amherst">Amherst</option>' in page
    assert '<option value="Buffalo">Buffalo</option>' in page
    assert 'value="draft"' not in page


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "status=nonsense",
        "cohort=abc",
        "cohort=9999",
        "city=Atlantis",
        "q=" + "x" * 101,
    ],
)
def test_unknown_filter_values_are_400(app, client, coordinator, query):
    make_family(app, "Miller")
    assert client.get(f"/vetting/?{query}").status_code == 400


def test_queue_pages_25_at_a_time_and_keeps_the_filters(app, client, coordinator, monkeypatch):
    monkeypatch.setattr(accounts, "hash_password", lambda password: "unusable")  # speed: scrypt
    cohort = make_cohort(app)
    for number in range(27):
        make_family(app, f"Family{number:02d}", cohort_ids=[cohort])
    first = client.get("/vetting/").get_data(as_text=True)
    assert len(listed(first)) == 25
    assert "27 applications found." in text(first)
    assert "Page 1 of 2" in text(first)
    second = client.get("/vetting/?page=2").get_data(as_text=True)
    assert len(listed(second)) == 2
    assert set(listed(first)).isdisjoint(listed(second))
    filtered = client.get(f"/vetting/?status=submitted&cohort={cohort}").get_data(as_text=True)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', filtered).group(1)
    assert "status=submitted" in next_link and f"cohort={cohort}" in next_link
    assert "page=2" in next_link


# --- an application's page and its steps ---------------------------------------------------


def test_the_page_shows_every_answer(app, client, coordinator):
    cohort = make_cohort(app, name="Autumn group")
    application_id = make_family(
        app,
        "Miller",
        cohort_ids=[cohort],
        has_pets=True,
        pets="a golden retriever",
        gender_preference="female",
        diets=["vegetarian", "halal"],
    )
    page = text(client.get(f"/vetting/{application_id}").get_data(as_text=True))
    for shown in (
        "12 Elmwood Avenue",
        "Buffalo, NY 14201",
        "+1 716 555 0100",
        "English, some German",
        "Pat Miller 45 parent",
        "Sam Miller 16 child",
        "Pets a golden retriever",
        "Smoking in the home no",
        "Bedrooms 4",
        "Beds for students 1",
        "a room of their own",
        "Would host a girl",
        "halal, vegetarian",
        "City Honors School",
        "2.5 miles",
        "Autumn group",
        "We would love to share our home",
        "Ann Neighbour (neighbour) +1 716 555 0111 ann@example.org",
        "Bob Coach (coach) +1 716 555 0122",
        "Background check consent given",
    ):
        assert shown in page, shown


def test_the_steps_in_order_through_the_web(app, client, coordinator):
    application_id = make_family(app, "Miller")
    url = f"/vetting/{application_id}"
    expires = TODAY + timedelta(days=500)

    response = post(client, f"{url}/references", {"note": "Both called back."})
    assert urlsplit(response.headers["Location"]).path == url
    page = client.get(url).get_data(as_text=True)
    assert "The references are recorded as checked." in flashes(page)
    assert form_actions(page) == {f"{url}/background"}
    assert f'href="{url}/decline"' in page  # a link to the confirmation page

    response = post(client, f"{url}/background", {"expires_on": expires.isoformat()})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert form_actions(page) == {f"{url}/home-visit"}

    response = post(
        client,
        f"{url}/home-visit",
        {"visited_on": TODAY.isoformat(), "visited_by": "Karen Wojcik", "notes": "Bright room."},
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert form_actions(page) == {f"{url}/decision"}

    response = post(client, f"{url}/decision", {"decision": "approved", "note": "Warm home."})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert form_actions(page) == set()
    shown = text(page)
    assert "The application was approved; the family is told by email." in flashes(page)
    for step in ("References checked", "Background check cleared", "Home visit", "Decision"):
        assert re.search(rf"{step} — \d+/\d+/\d+, [^,]+, by {STAFF}", shown), step
    assert "Both called back." in shown
    assert f"valid until {medium(expires)}" in shown
    assert "by Karen Wojcik" in shown and "Bright room." in shown
    assert "Warm home." in shown
    with app.app_context():
        found = application(app, application_id)
        assert found.status == A.APPROVED
        assert found.background_check_expires_on == expires
        assert found.references_checked_by_id == found.decided_by_id == staff_id(app)
        assert [event.to_status for event in found.events] == [
            A.SUBMITTED,
            A.REFERENCES_CHECKED,
            A.BACKGROUND_CLEARED,
            A.HOME_VISITED,
            A.APPROVED,
        ]
        email = db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.recipient == "miller@example.org")
            .order_by(OutboxEmail.id)
        ).all()[-1]
        assert email.subject == "Your host-family application is approved"
        assert email.sent_at is not None  # sent after the commit (console backend)
    history = shown.split("History", 1)[1]
    assert history.count(STAFF) == 4 and "submitted — Miller" in history


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("decision", {"decision": "approved"}),
        ("decision", {"decision": "backup"}),
        ("background", {"expires_on": (TODAY + timedelta(days=300)).isoformat()}),
        ("home-visit", {"visited_on": TODAY.isoformat(), "visited_by": "Karen"}),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(app, client, coordinator, url, data):
    application_id = make_family(app, "Miller")
    events = count(app, VettingEvent)
    response = post(client, f"/vetting/{application_id}/{url}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This step needs the application to be" in " ".join(flashes(page))
    assert "it is “submitted”" in " ".join(flashes(page))
    assert form_actions(page) == {f"/vetting/{application_id}/references"}
    with app.app_context():
        found = application(app, application_id)
        assert found.status == A.SUBMITTED
        assert found.background_check_expires_on is None and found.decided_at is None
    assert count(app, VettingEvent) == events


def test_a_refused_value_is_shown_next_to_its_field_and_kept(app, client, coordinator):
    application_id = make_family(app, "Miller", to=A.REFERENCES_CHECKED)
    response = post(client, f"/vetting/{application_id}/background", {"expires_on": "2020-01-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "expires_on") == "The expiry date must be in the future."
    assert 'value="2020-01-01"' in page
    response = post(client, f"/vetting/{application_id}/background", {"expires_on": ""})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "expires_on")
    with app.app_context():
        assert application(app, application_id).status == A.REFERENCES_CHECKED


def test_home_visit_needs_who_visited_and_a_past_date(app, client, coordinator):
    application_id = make_family(app, "Miller", to=A.BACKGROUND_CLEARED)
    url = f"/vetting/{application_id}/home-visit"
    tomorrow = (TODAY + timedelta(days=2)).isoformat()  # a day of slack for time zones
    response = post(client, url, {"visited_on": tomorrow, "visited_by": "Karen", "notes": "Nice"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "visited_on") == "A home visit cannot be recorded before it happens."
    assert 'value="Karen"' in page
    assert re.search(r'<textarea id="notes"[^>]*>\s*Nice</textarea>', page)
    response = post(client, url, {"visited_on": TODAY.isoformat(), "visited_by": ""})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "visited_by")


@pytest.mark.parametrize("decision", [A.APPROVED, A.BACKUP, A.DECLINED])
def test_each_decision_sets_the_status(app, client, coordinator, decision):
    application_id = make_family(app, "Miller", to=A.HOME_VISITED)
    response = post(
        client, f"/vetting/{application_id}/decision", {"decision": decision.value, "note": "Why"}
    )
    assert response.status_code == 302
    with app.app_context():
        found = application(app, application_id)
        assert found.status == decision
        assert found.decision_note == "Why"
        assert found.decided_by_id == staff_id(app)
    page = client.get(f"/vetting/{application_id}").get_data(as_text=True)
    assert f"status-{decision.value}" in page


def test_a_decision_must_be_chosen(app, client, coordinator):
    application_id = make_family(app, "Miller", to=A.HOME_VISITED)
    for data in ({}, {"decision": "submitted"}):
        response = post(client, f"/vetting/{application_id}/decision", data)
        assert response.status_code == 400
        assert 'id="decision-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert application(app, application_id).status == A.HOME_VISITED


def test_decline_is_possible_at_an_early_step(app, client, coordinator):
    application_id = make_family(app, "Miller", to=A.REFERENCES_CHECKED)
    confirmation = client.get(f"/vetting/{application_id}/decline").get_data(as_text=True)
    assert "Decline the application of Miller?" in confirmation
    assert '<button type="submit" class="destructive">Decline the application</button>' in (
        confirmation
    )
    with app.app_context():
        assert application(app, application_id).status == A.REFERENCES_CHECKED
    response = post(client, f"/vetting/{application_id}/decline", {"reason": "Smoking at home."})
    assert response.status_code == 302
    with app.app_context():
        found = application(app, application_id)
        assert found.status == A.DECLINED
        assert found.decision_note == "Smoking at home."
    page = client.get(f"/vetting/{application_id}").get_data(as_text=True)
    assert form_actions(page) == set()
    # a finished application cannot be declined again
    response = post(
        client, f"/vetting/{application_id}/decline", {"reason": "Again"}, follow_redirects=True
    )
    assert "Only an application in vetting can be declined." in flashes(
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert application(app, application_id).decision_note == "Smoking at home."


# --- alerts and emails ---------------------------------------------------------------------


def test_the_expiry_alert_lists_a_check_that_ends_before_the_group_returns(
    app, client, coordinator
):
    cohort = make_cohort(app, name="Autumn group")
    with app.app_context():
        returns = db.session.get(Cohort, cohort).return_date
    short = returns - timedelta(days=10)
    early = make_family(
        app, "Nguyen", to=A.BACKGROUND_CLEARED, cohort_ids=[cohort], expires_on=short
    )
    make_family(
        app,
        "Garcia",
        to=A.APPROVED,
        cohort_ids=[cohort],
        expires_on=returns + timedelta(days=400),
    )
    page = client.get("/vetting/").get_data(as_text=True)
    alert = text(page.split('id="expiry-heading"', 1)[1].split("</section>", 1)[0])
    assert "Nguyen" in alert and "Garcia" not in alert
    assert (
        f"background check expires {medium(short)}, before Autumn group returns {medium(returns)}"
    ) in alert
    assert f'href="/vetting/{early}"' in page.split('id="expiry-heading"', 1)[1]
    detail = text(client.get(f"/vetting/{early}").get_data(as_text=True))
    assert "before Autumn group returns" in detail


def test_no_alert_when_every_check_lasts(app, client, coordinator):
    make_family(app, "Garcia", to=A.HOME_VISITED, expires_on=TODAY + timedelta(days=2000))
    assert 'id="expiry-heading"' not in client.get("/vetting/").get_data(as_text=True)


class Mailbox:
    """An SMTP handler that refuses recipients while `accepting` is False."""

    def __init__(self) -> None:
        self.accepting = True
        self.refusal = "450 Mailbox unavailable, try later"  # the answer while not accepting
        self.received: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.accepting:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted"


class FreePortController(Controller):
    """aiosmtpd 1.4 connects to `port` once started; with port=0 it must learn the real one."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def mailbox():
    handler = Mailbox()
    controller = FreePortController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def test_a_failed_email_is_shown_and_sent_again(app_factory, mailbox):
    mail_app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    client = mail_app.test_client()
    Auth(mail_app, client).login_as(Role.COORDINATOR, STAFF)
    application_id = make_family(mail_app, "Miller", to=A.HOME_VISITED)
    with mail_app.app_context():
        assert notifications.deliver_pending()[1] == 0  # sign-up and staff news go out
    mailbox.received.clear()

    mailbox.accepting = False
    response = post(client, f"/vetting/{application_id}/decision", {"decision": "approved"})
    assert response.status_code == 302
    page = client.get(f"/vetting/{application_id}").get_data(as_text=True)
    assert any("could not be sent yet" in message for message in flashes(page))
    queue = client.get("/vetting/").get_data(as_text=True)
    box = text(queue.split('id="emails-heading">', 1)[1].split("</section>", 1)[0])
    assert box.startswith("1 email could not be sent They wait")
    assert "miller@example.org" in box
    assert "SMTPRecipientsRefused" in box and "Mailbox unavailable" in box
    assert "/vetting/emails/retry" in form_actions(queue)

    # Given up after too many attempts: "Try again now" starts over.
    with mail_app.app_context():
        email = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
        ).one()
        email.attempts = notifications.MAX_ATTEMPTS
        db.session.commit()
    mailbox.accepting = True
    response = post(client, "/vetting/emails/retry")
    assert urlsplit(response.headers["Location"]).path == "/vetting/"
    queue = client.get("/vetting/").get_data(as_text=True)
    assert "1 email was sent." in flashes(queue)
    assert 'id="emails-heading"' not in queue
    assert [envelope.rcpt_tos for envelope in mailbox.received] == [["miller@example.org"]]
    assert b"Subject: Your host-family application is approved" in mailbox.received[0].content


def test_retry_while_the_server_still_fails(app_factory, mailbox):
    mail_app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    client = mail_app.test_client()
    Auth(mail_app, client).login_as(Role.COORDINATOR, STAFF)
    mailbox.accepting = False
    with mail_app.app_context():
        notifications.queue("family@example.org", "Subject", "Body")
        db.session.commit()
    post(client, "/vetting/emails/retry")
    page = client.get("/vetting/").get_data(as_text=True)
    assert "1 email still could not be sent." in flashes(page)
    assert "family@example.org" in page


def test_an_email_refused_for_good_is_shown_and_not_sent_again(app_factory, mailbox):
    mail_app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    client = mail_app.test_client()
    Auth(mail_app, client).login_as(Role.COORDINATOR, STAFF)
    mailbox.accepting, mailbox.refusal = False, "550 5.1.1 No such user"
    with mail_app.app_context():
        notifications.queue("gone@example.org", "Subject", "Body")
        db.session.commit()
        assert notifications.deliver_pending() == (0, 1)

    page = client.get("/vetting/").get_data(as_text=True)
    box = text(page.split('id="emails-heading">', 1)[1].split("</section>", 1)[0])
    assert "gone@example.org" in box
    assert "Refused by the recipient’s server: not sent again. Check the address." in box
    assert "550 5.1.1 No such user" in box

    mailbox.accepting = True
    post(client, "/vetting/emails/retry")
    page = client.get("/vetting/").get_data(as_text=True)
    assert "No email was waiting to be sent." in flashes(page)
    assert mailbox.received == []


# --- who may see it ------------------------------------------------------------------------


def vetting_urls(app, application_id: int) -> list[tuple[str, str]]:
    """(method, url) of every vetting endpoint."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("vetting."):
                values = {"application_id": application_id} if rule.arguments else {}
                url = url_for(rule.endpoint, **values)
                found += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    assert len(found) >= 8
    return found


@pytest.mark.parametrize("role", [Role.HOST_FAMILY, Role.TEACHER], ids=lambda r: r.value)
def test_families_and_teachers_get_403_everywhere(app, client, auth, role):
    application_id = make_family(app, "Miller")
    auth.login_as(role)
    for method, url in vetting_urls(app, application_id):
        response = post(client, url) if method == "POST" else client.get(url)
        assert response.status_code == 403, (method, url)
    assert "/vetting/" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_go_to_the_login_page(app, client):
    application_id = make_family(app, "Miller")
    for method, url in vetting_urls(app, application_id):
        response = post(client, url) if method == "POST" else client.get(url)
        assert response.status_code == 302, (method, url)
        assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN], ids=lambda r: r.value)
def test_staff_find_the_queue_in_the_menu(app, client, auth, role):
    auth.login_as(role)
    page = client.get("/vetting/").get_data(as_text=True)
    assert '<a href="/vetting/" aria-current="page">Families</a>' in page


def test_unknown_ids_and_drafts_are_404(app, client, coordinator):
    draft = make_family(app, "Draftsman", submitted=False)
    for application_id in (draft, 9999):
        assert client.get(f"/vetting/{application_id}").status_code == 404
        for step in ("references", "background", "home-visit", "decision", "decline"):
            assert post(client, f"/vetting/{application_id}/{step}").status_code == 404
    with app.app_context():
        assert application(app, draft).status == A.DRAFT


def test_staff_read_the_family_s_diets_and_interests_in_the_family_s_words(
    app, client, coordinator
):
    """The family ticks "Diets your family can cook for": staff read the same meaning, and the
    interests the family wrote for matching."""
    application_id = make_family(
        app,
        "Miller",
        cohort_ids=[make_cohort(app)],
        diets=["vegetarian", "halal"],
        interests="baseball, baking, the Buffalo Philharmonic",
    )
    page = text(client.get(f"/vetting/{application_id}").get_data(as_text=True))
    assert "Diets the family can cook for halal, vegetarian" in page
    assert "Diets the family keeps" not in page
    assert "The family's interests and hobbies baseball, baking, the Buffalo Philharmonic" in page
    post(client, "/language", {"language": "de", "next": "/"})
    german = text(client.get(f"/vetting/{application_id}").get_data(as_text=True))
    assert "Ernährungsweisen, für die die Familie kochen kann halal, vegetarisch" in german
    assert "Interessen und Hobbys der Familie baseball, baking" in german


def test_a_decline_email_is_in_the_familys_language_not_the_coordinators(app, client, coordinator):
    application_id = make_family(app, "Miller")
    with app.app_context():
        application(app, application_id).family.user.locale = "en"
        db.session.commit()
    post(client, "/language", {"language": "de", "next": "/"})
    confirmation = client.get(f"/vetting/{application_id}/decline").get_data(as_text=True)
    assert "Bewerbung von Miller ablehnen?" in confirmation

    post(client, f"/vetting/{application_id}/decline", {"reason": "Rauchen im Haus."})

    with app.app_context():
        email = db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.recipient == "miller@example.org")
            .order_by(OutboxEmail.id)
        ).all()[-1]
        assert email.subject == "Your host-family application"
        assert "cannot place a student with you this time" in email.body
