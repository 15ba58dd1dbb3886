"""The session cookie is refreshed by pages only. A logged-in session is permanent, and Flask
would refresh its cookie with every answer; an answer still on its way when the person
clicked (a stylesheet, the favicon, the browser's guess at /apple-touch-icon.png, a job
page's status poll) would then bring back the cookie from before the click, and the click's
message ("… is now accepted") would be lost on the next page."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Job, User
from tests.conftest import PASSWORD, make_user, post
from tests.factories import enrol, make_cohort, make_student

STAFF = "staff@example.org"


@pytest.fixture
def logged_in(app, client, auth):
    make_user(app, STAFF)
    assert auth.login(STAFF, PASSWORD).status_code == 302
    client.get("/dashboard").close()  # where the login leads: its forms' token is made there
    return client


def sets_cookie(response) -> bool:
    response.close()
    return "session=" in response.headers.get("Set-Cookie", "")


def test_a_stylesheet_leaves_the_cookie_alone_and_pages_keep_it_fresh(logged_in):
    stylesheet = logged_in.get("/static/css/app.css")
    assert stylesheet.status_code == 200
    assert not sets_cookie(stylesheet)

    # Pages still refresh the cookie, so a session in use does not run out.
    page = logged_in.get("/dashboard")
    assert page.status_code == 200 and sets_cookie(page)


def test_an_unknown_address_and_a_status_poll_leave_the_cookie_alone(app, logged_in):
    icon = logged_in.get("/apple-touch-icon.png")
    assert icon.status_code == 404
    assert not sets_cookie(icon)

    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=STAFF))
        job = Job(kind="roster_pdf", params={}, same_as="x", user_id=user.id, total=10)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    poll = logged_in.get(f"/jobs/{job_id}/status.json")
    assert poll.status_code == 200 and poll.json["total"] == 10
    assert not sets_cookie(poll)


def test_a_new_visitor_on_an_unknown_address_keeps_the_token_of_its_forms(client):
    # The 404 page has the language switch, whose form needs the CSRF token made for it: that
    # answer changed the session, so it sends the cookie.
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "csrf_token" in response.get_data(as_text=True)
    assert sets_cookie(response)


def test_the_message_of_a_click_survives_an_answer_that_was_still_on_its_way(app, logged_in):
    enrolment = enrol(app, make_student(app, first_name="Lena"), make_cohort(app))
    before_the_click = logged_in.get_cookie("session").value
    assert (
        post(logged_in, f"/enrolments/{enrolment}/status", {"status": "accepted"}).status_code
        == 302
    )

    # The browser's guess at an icon, sent before the click with the cookie of then, answers
    # after it: whatever cookie that answer carries, the browser keeps.
    late = app.test_client()
    late.set_cookie("session", before_the_click)
    for answer in (late.get("/apple-touch-icon.png"), late.get("/static/favicon.svg")):
        answer.close()
        for header in answer.headers.getlist("Set-Cookie"):
            logged_in.set_cookie("session", header.split(";")[0].split("=", 1)[1])

    page = logged_in.get(f"/enrolments/{enrolment}").get_data(as_text=True)
    assert "is now “accepted”" in page
