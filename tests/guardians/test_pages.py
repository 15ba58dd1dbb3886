"""The pages of guardians and adult students: staff invite from the student's page; the link
makes an account (or adds the student to one) and lands on the page of where things stand;
the role sees its own students only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import GroupMessage, Invitation, Role, StudentAccount, User
from app.models.base import utcnow
from app.services.mail import group_messages
from tests.conftest import Auth, make_user, post
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
    place,
)
from tests.guardians.helpers import (
    GUARDIAN_PASSWORD,
    guardian,
    invitation_paths,
    linked_account,
    log_in,
)


@pytest.fixture
def cohort_id(app) -> int:
    return make_cohort(app, name="Buffalo 2027", places=1)


@pytest.fixture
def student_id(app, cohort_id) -> int:
    sid = make_student(app, first_name="Lena", last_name="Schmidt", guardians=[guardian()])
    enrol(app, sid, cohort_id)
    return sid


def text(response) -> str:
    return response.get_data(as_text=True)


def staff_invites(app, client, student_id: int) -> str:
    Auth(app, client).login_as(Role.COORDINATOR)
    page = text(client.get(f"/students/{student_id}"))
    assert "Not invited yet." in page
    response = post(client, f"/students/{student_id}/invitations", {"invitee": _key(app)})
    assert response.status_code == 302
    return text(client.get(response.headers["Location"]))


def _key(app) -> str:
    from app.models import Guardian

    with app.app_context():
        return str(db.session.scalar(sa.select(Guardian.id).order_by(Guardian.id.desc())))


def test_staff_invite_and_the_guardian_chooses_a_password_and_sees_what_is_missing(
    app, client, student_id
):
    page = staff_invites(app, client, student_id)
    assert "The invitation was sent to maria@example.org." in page
    assert "the link works until" in page and "Send again" in page
    [path] = invitation_paths(app, "maria@example.org")

    guardian_client = app.test_client()
    opened = guardian_client.get(path)
    assert opened.status_code == 200
    assert "Choose a password" in text(opened) and "Lena Schmidt" in text(opened)
    weak = post(guardian_client, path, {"new_password": "short", "confirm": "short"})
    assert weak.status_code == 200 and "Error:" in text(weak)
    response = post(
        guardian_client, path, {"new_password": GUARDIAN_PASSWORD, "confirm": GUARDIAN_PASSWORD}
    )
    assert response.headers["Location"] == f"/my/students/{student_id}"
    mine = text(guardian_client.get(response.headers["Location"]))
    assert "Welcome. Here is where things stand." in mine
    assert "Applied for Buffalo 2027: the exchange team will decide soon." in mine
    assert "Medical form" in mine and "filled in and signed by your doctor" in mine
    assert "The host family is not chosen yet." in mine
    assert "give your consent online with “Give consent”" in mine

    shown = text(client.get(f"/students/{student_id}"))
    assert "Invitation accepted on" in shown and "has an account" in shown
    assert "Send again" not in shown
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "maria@example.org"))
        assert user.role == Role.GUARDIAN and user.email_confirmed_at is not None
    used = guardian_client.get(path)
    assert used.status_code == 404 and "already accepted" in text(used)


def test_send_again_kills_the_first_link(app, client, student_id):
    staff_invites(app, client, student_id)
    post(client, f"/students/{student_id}/invitations", {"invitee": _key(app)})
    first, second = invitation_paths(app, "maria@example.org")
    old = app.test_client().get(first)
    assert old.status_code == 404 and "A newer invitation was sent" in text(old)
    assert app.test_client().get(second).status_code == 200
    assert "replaced by a newer one" not in text(client.get(f"/students/{student_id}"))


def test_expired_and_unknown_links_get_a_clear_page(app, client, student_id):
    staff_invites(app, client, student_id)
    [path] = invitation_paths(app, "maria@example.org")
    with app.app_context():
        invitation = db.session.scalars(sa.select(Invitation)).one()
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = app.test_client().get(path)
    assert expired.status_code == 404
    assert "This invitation has expired. Ask the exchange team to send a new one." in text(expired)
    assert "expired on" in text(client.get(f"/students/{student_id}"))
    unknown = app.test_client().get("/invitation/no-such-token")
    assert unknown.status_code == 404 and "not known" in text(unknown)


def test_an_existing_account_logs_in_to_accept_a_second_student(app, client, student_id):
    user_id = linked_account(app, student_id)
    brother = make_student(app, first_name="Jonas", last_name="Schmidt", guardians=[guardian()])
    staff_invites(app, client, brother)
    path = invitation_paths(app, "maria@example.org")[-1]
    visitor = app.test_client()
    assert "Log in to accept the invitation" in text(visitor.get(path))
    wrong = post(visitor, path, {"password": "not-the-password"})
    assert wrong.status_code == 200 and "The password is not correct." in text(wrong)
    accepted = post(visitor, path, {"password": GUARDIAN_PASSWORD})
    assert accepted.headers["Location"] == f"/my/students/{brother}"
    both = text(visitor.get("/my/"))
    assert "Lena Schmidt" in both and "Jonas Schmidt" in both
    with app.app_context():
        linked = db.session.scalars(
            sa.select(StudentAccount.student_id).where(StudentAccount.user_id == user_id)
        ).all()
        assert sorted(linked) == sorted([student_id, brother])


def test_a_logged_in_guardian_accepts_with_one_button(app, client, student_id):
    linked_account(app, student_id)
    brother = make_student(
        app, first_name="Jonas", guardians=[guardian("Maria", "other-address@example.org")]
    )
    staff_invites(app, client, brother)
    path = invitation_paths(app, "other-address@example.org")[-1]
    mine = app.test_client()
    log_in(mine)
    assert "Add the student to my account" in text(mine.get(path))
    assert post(mine, path).headers["Location"] == f"/my/students/{brother}"


def test_staff_logged_in_cannot_take_the_invitation(app, client, student_id):
    staff_invites(app, client, student_id)
    [path] = invitation_paths(app, "maria@example.org")
    page = client.get(path)
    assert "account of another kind" in text(page)
    assert post(client, path).status_code == 200
    with app.app_context():
        assert db.session.scalars(sa.select(StudentAccount)).all() == []


def test_login_lands_on_the_page_and_the_menu_is_short(app, student_id):
    linked_account(app, student_id)
    client = app.test_client()
    response = log_in(client)
    assert response.headers["Location"] == "/my/"
    page = text(client.get("/my/"))
    assert "Where things stand" in page and "My account" in page
    for staff_item in ("Dashboard", "Cohorts", "Students", "Families", "Concerns"):
        assert f">{staff_item}<" not in page
    assert client.get("/account/").status_code == 200


def test_another_guardians_student_is_not_found(app, student_id):
    linked_account(app, student_id)
    other = make_student(app, guardians=[guardian("Eva", "eva@example.org")])
    linked_account(app, other, "eva@example.org")
    client = app.test_client()
    log_in(client)
    assert client.get(f"/my/students/{student_id}").status_code == 200
    assert client.get(f"/my/students/{other}").status_code == 404
    assert client.get("/my/students/999999").status_code == 404
    assert "Eva" not in text(client.get("/my/"))


@pytest.mark.parametrize("role", [Role.HOST_FAMILY, Role.TEACHER, Role.COORDINATOR])
def test_other_roles_are_refused_the_guardians_pages(app, role, student_id):
    client = app.test_client()
    Auth(app, client).login_as(role)
    assert client.get("/my/").status_code == 403
    assert client.get(f"/my/students/{student_id}").status_code == 403


def test_a_guardian_is_refused_staff_pages(app, student_id):
    linked_account(app, student_id)
    client = app.test_client()
    log_in(client)
    for url in ("/dashboard", "/students/", f"/students/{student_id}", "/cohorts/", "/family/"):
        assert client.get(url).status_code in (403, 404), url
    refused = post(client, f"/students/{student_id}/invitations", {"invitee": "student"})
    assert refused.status_code == 403


def test_the_waitlist_position_and_the_host_family_once_placed(app, cohort_id, student_id):
    waiting = make_student(app, first_name="Jonas", guardians=[guardian("Eva", "eva@example.org")])
    enrolment_id = enrol(app, waiting, cohort_id)  # the cohort has one place: waitlisted
    linked_account(app, waiting, "eva@example.org")
    client = app.test_client()
    log_in(client, "eva@example.org")
    assert "On the waitlist of Buffalo 2027, in position 1." in text(client.get("/my/"))

    linked_account(app, student_id)
    mine = app.test_client()
    log_in(mine)
    with app.app_context():
        from app.models import Enrolment

        placed = db.session.scalar(
            sa.select(Enrolment.id).where(Enrolment.student_id == student_id)
        )
    application_id = make_approved_family(app, [cohort_id], family_name="Miller")
    teacher_id = make_teacher(app, "Anna Lehmann", "anna@example.org")
    assign_teacher(app, cohort_id, teacher_id, students=[placed])
    place(app, placed, application_id)
    page = text(mine.get("/my/"))
    assert "Miller" in page and "12 Elmwood Avenue" in page and "Buffalo, NY 14201" in page
    assert "+1 716 555 0100" in page
    assert "Anna Lehmann" in page and "anna@example.org" in page
    assert enrolment_id


def test_the_group_messages_to_the_guardian_are_shown(app, cohort_id, student_id):
    linked_account(app, student_id)
    with app.app_context():
        from app.models import Cohort

        message = group_messages.create(
            "guardians",
            db.session.get(Cohort, cohort_id),
            {
                "subject_en": "Meeting on Friday",
                "body_en": "Dear {name}, see you on Friday.",
                "subject_de": "Treffen am Freitag",
                "body_de": "Liebe/r {name}, bis Freitag.",
            },
        )
        staff = db.session.get(User, make_user(app, "boss@example.org", Role.COORDINATOR))
        group_messages.send(message, staff, lambda t: f"http://localhost/u/{t}")
        db.session.commit()
        assert db.session.scalars(sa.select(GroupMessage)).one()
    client = app.test_client()
    log_in(client)
    page = text(client.get("/my/"))
    assert "Treffen am Freitag" in page and "Liebe/r Maria Schmidt, bis Freitag." in page


def test_the_page_in_german(app, student_id):
    linked_account(app, student_id)
    client = app.test_client()
    log_in(client)
    post(client, "/language", {"language": "de", "next": "/my/"})
    page = text(client.get("/my/"))
    assert "Stand der Dinge" in page and "Was noch fehlt" in page
    assert "Für Buffalo 2027 angemeldet: Das Austausch-Team entscheidet bald." in page


def test_the_guardian_changes_language_and_password_on_the_account_page(app, student_id):
    user_id = linked_account(app, student_id)
    client = app.test_client()
    log_in(client)
    account = text(client.get("/account/"))
    assert "Parent or student" in account
    assert post(client, "/account/language", {"language": "en"}).status_code == 302
    changed = post(
        client,
        "/account/password",
        {
            "current_password": GUARDIAN_PASSWORD,
            "new_password": "quiet-orchard-lamp",
            "confirm": "quiet-orchard-lamp",
        },
    )
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
    assert log_in(app.test_client(), password="quiet-orchard-lamp").headers["Location"] == "/my/"
