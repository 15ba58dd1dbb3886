"""Messages and delivery logs under the privacy rules: erasing a host family, a student (with
the guardians) or a staff account removes every message to that person (their rows in the
delivery logs, their opt-out, the outbox emails to them, the notes of reminders sent to them)
and nobody else's; the person's export holds the messages they received; the purge deletes
messages, delivery logs and reminder notes when the register says it does."""

from __future__ import annotations

import html
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    GroupMessage,
    Guardian,
    HostApplication,
    HostFamily,
    MessageDelivery,
    MessageOptOut,
    OutboxEmail,
    Role,
    SentReminder,
    Student,
    Teacher,
    User,
)
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity import accounts
from app.services.mail import group_messages as gm
from app.services.mail import notifications
from app.services.privacy import privacy_accounts, privacy_purge
from app.services.privacy.privacy_requests import (
    erase_family,
    erase_student,
    export_family,
    export_student,
)
from tests.conftest import make_user, post
from tests.factories import (
    assign_teacher,
    enrol,
    make_cohort,
    make_student,
    make_teacher,
    make_vetted_family,
    place,
)
from tests.services.mail.test_recipient_language import translated
from tests.services.privacy.traces import complete, traces

LINK = "https://austausch.example.org/messages/unsubscribe/{}".format
TEXTS = {
    "subject_en": "Before the flight, {name}",
    "body_en": "Dear {name}, we meet on Friday ({cohort}).",
    "subject_de": "Vor dem Flug, {name}",
    "body_de": "Liebe(r) {name}, wir treffen uns am Freitag ({cohort}).",
}


def _send(app, audience: str, cohort_id: int) -> int:
    """The coordinator writes to the audience and sends it; the message's id."""
    with app.app_context():
        message = gm.create(audience, db.session.get(Cohort, cohort_id), TEXTS)
        gm.send(message, accounts.find_user("sender@example.org"), LINK)
        db.session.commit()
        return message.id


def _unsubscribe_and_remind(app, address: str, kind: str, target: str, target_id: int) -> None:
    """The person unsubscribed from group messages and was sent a reminder (its note)."""
    with app.app_context():
        gm.unsubscribe(address)
        db.session.add(
            SentReminder(
                kind=kind, target_type=target, target_id=target_id, key="2027-05-01",
                recipient=address,
            )
        )  # fmt: skip
        db.session.commit()


def _held_for(app, address: str) -> dict[str, int]:
    """How many rows of each message table still name the address."""
    lowered = address.lower()
    with app.app_context():
        count = lambda query: db.session.scalar(sa.select(sa.func.count()).select_from(query))  # noqa: E731
        return {
            "deliveries": count(
                sa.select(MessageDelivery.id)
                .where(sa.func.lower(MessageDelivery.email) == lowered)
                .subquery()
            ),
            "opt_outs": count(
                sa.select(MessageOptOut.email).where(MessageOptOut.email == lowered).subquery()
            ),
            "outbox": count(
                sa.select(OutboxEmail.id)
                .where(sa.func.lower(OutboxEmail.recipient) == lowered)
                .subquery()
            ),
            "reminders": count(
                sa.select(SentReminder.id)
                .where(sa.func.lower(SentReminder.recipient) == lowered)
                .subquery()
            ),
        }


NOTHING = {"deliveries": 0, "opt_outs": 0, "outbox": 0, "reminders": 0}


def _held_everywhere(app, address: str) -> dict[str, int]:
    """The rows naming the address, in every message table (asserted: some in each)."""
    held = _held_for(app, address)
    assert all(held.values()), held
    return held


def _reachable_guardian(app, student_id: int, name: str, email: str, locale: str) -> int:
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian).filter_by(student_id=student_id)).one()
        guardian.name, guardian.email, guardian.locale = name, email, locale
        db.session.commit()
        return guardian.id


# --- a host family -------------------------------------------------------------------------


@pytest.fixture
def families(app):
    """Two families hosting in one cohort; both received a message to the cohort's families,
    one opted out afterwards and was reminded of something."""
    cohort = make_cohort(app, name="Buffalo 2027")
    ids = {}
    for family_name, email in (("Famerase", "famerase@example.org"), ("Bleib", "bleib@x.org")):
        application = make_vetted_family(app, [cohort], family_name=family_name, email=email)
        place(app, enrol(app, make_student(app), cohort), application)
        with app.app_context():
            ids[family_name] = db.session.get(HostApplication, application).family_id
    make_user(app, "sender@example.org", Role.COORDINATOR)
    _send(app, gm.FAMILIES, cohort)
    # A reminder note and the opt-out of each (the other family too: theirs must stay).
    for email, family_id in (("famerase@example.org", ids["Famerase"]), ("bleib@x.org", 0)):
        _unsubscribe_and_remind(app, email, "background", "application", family_id)
    return {"cohort": cohort, **ids}


def test_erasing_a_family_removes_every_message_to_it_and_nobody_elses(app, families):
    _held_everywhere(app, "famerase@example.org")
    others = _held_everywhere(app, "bleib@x.org")
    with app.app_context():
        erase_family(db.session.get(HostFamily, families["Famerase"]), None)
        db.session.commit()
    assert _held_for(app, "famerase@example.org") == NOTHING
    assert traces(app, ["famerase@example.org", "Famerase"]) == []
    assert _held_for(app, "bleib@x.org") == others
    with app.app_context():
        [message] = db.session.scalars(sa.select(GroupMessage)).all()
        assert [d.name for d in message.deliveries] == ["Bleib"]  # the log stays for the rest


def test_a_familys_export_holds_the_messages_it_received(app, families):
    with app.app_context():
        family = db.session.get(HostFamily, families["Famerase"])
        data = _unzip(export_family(family))
        language = family.user.locale or "en"
    [received] = data["group_messages"]
    german = language == "de"
    assert received["subject"] == (
        "Vor dem Flug, Famerase" if german else "Before the flight, Famerase"
    )
    assert received["body"].endswith("(Buffalo 2027).")
    assert received["status"] == "queued" and received["email"] == "famerase@example.org"
    assert [r["recipient"] for r in data["reminders"]] == ["famerase@example.org"]
    assert [o["email"] for o in data["message_opt_outs"]] == ["famerase@example.org"]
    assert "Bleib" not in json.dumps(data)


# --- a student with guardians ----------------------------------------------------------------


@pytest.fixture
def guardians(app):
    """Two students of a cohort, each with a guardian who received the guardians' message."""
    cohort = make_cohort(app, name="Buffalo 2027")
    erika = make_student(app, first_name="Erika", last_name="Loeschmann")
    other = make_student(app, first_name="Bleibt", last_name="Hier")
    ids = {"cohort": cohort, "erika": erika, "other": other}
    for student, name, email, locale in (
        (erika, "Eva Loeschmann", "eva@example.org", "de"),
        (other, "Otto Hier", "otto@example.org", "en"),
    ):
        ids[f"enrolment {email}"] = enrol(app, student, cohort)
        ids[email] = _reachable_guardian(app, student, name, email, locale)
    make_user(app, "sender@example.org", Role.COORDINATOR)
    _send(app, gm.GUARDIANS, cohort)
    # Afterwards each unsubscribed and was reminded of the missing documents.
    for email in ("eva@example.org", "otto@example.org"):
        _unsubscribe_and_remind(app, email, "documents", "enrolment", ids[f"enrolment {email}"])
    return ids


def test_erasing_a_student_removes_every_message_to_the_guardians(app, guardians):
    _held_everywhere(app, "eva@example.org")
    others = _held_everywhere(app, "otto@example.org")
    with app.app_context():  # staff named the student in a message to the cohort's teachers
        named = gm.create(
            gm.TEACHERS,
            db.session.get(Cohort, guardians["cohort"]),
            {
                **TEXTS,
                "body_en": "Erika Loeschmann lands at 9.",
                "body_de": "Erika Loeschmann landet um 9.",
            },
        )
        db.session.commit()
        named_id = named.id
    with app.app_context():
        erase_student(db.session.get(Student, guardians["erika"]), None)
        db.session.commit()
    assert _held_for(app, "eva@example.org") == NOTHING
    assert traces(app, ["eva@example.org", "Loeschmann"]) == []
    assert _held_for(app, "otto@example.org") == others
    with app.app_context():
        named = db.session.get(GroupMessage, named_id)
        assert (named.body_en, named.body_de) == ("[erased] lands at 9.", "[erased] landet um 9.")


def test_a_students_export_holds_the_messages_the_guardians_received(app, guardians):
    with app.app_context():
        data = _unzip(export_student(db.session.get(Student, guardians["erika"])))
    [received] = data["group_messages"]
    assert received["subject"] == "Vor dem Flug, Eva Loeschmann"  # as sent: in German
    assert received["body"] == "Liebe(r) Eva Loeschmann, wir treffen uns am Freitag (Buffalo 2027)."
    assert received["recipient_kind"] == "guardian"
    assert received["recipient_id"] == guardians["eva@example.org"]
    assert [r["recipient"] for r in data["reminders"]] == ["eva@example.org"]
    assert [o["email"] for o in data["message_opt_outs"]] == ["eva@example.org"]
    assert "Otto Hier" not in json.dumps(data)


# --- a staff account -----------------------------------------------------------------------


@pytest.fixture
def teachers(app):
    """Two teachers of a cohort who received the teachers' message; notes of reminders."""
    cohort = make_cohort(app, name="Buffalo 2027")
    ids = {"cohort": cohort}
    for name, email in (("Lotte Lehrerase", "lotte@example.org"), ("Bernd Bleibt", "bernd@x.org")):
        teacher = make_teacher(app, name=name, email=email)
        assign_teacher(app, cohort, teacher, "assistant" if "lead" in ids else "lead")
        ids.setdefault("lead", teacher)
        ids[email] = teacher
    make_user(app, "sender@example.org", Role.COORDINATOR)
    _send(app, gm.TEACHERS, cohort)
    # Afterwards each unsubscribed and was reminded of the contacts due.
    for email in ("lotte@example.org", "bernd@x.org"):
        _unsubscribe_and_remind(app, email, "contacts", "teacher", ids[email])
    return ids


def _user_id(app, email: str) -> int:
    with app.app_context():
        return accounts.find_user(email).id


def test_erasing_a_teachers_account_removes_every_message_to_them(app, teachers):
    _held_everywhere(app, "lotte@example.org")
    others = _held_everywhere(app, "bernd@x.org")
    with app.app_context():
        privacy_accounts.erase_account(accounts.find_user("lotte@example.org"), None)
        db.session.commit()
    assert _held_for(app, "lotte@example.org") == NOTHING
    assert traces(app, ["lotte@example.org", "Lehrerase"]) == []
    with app.app_context():
        assert accounts.find_user("lotte@example.org") is None
        assert db.session.get(Teacher, teachers["lotte@example.org"]) is None
    assert _held_for(app, "bernd@x.org") == others


def test_erasing_a_coordinators_account_removes_the_messages_to_it(app, teachers):
    coordinator = _user_id(app, "sender@example.org")
    with app.app_context():  # staff news, as a family's submitted application sends it
        notifications.queue("sender@example.org", "New host-family application", "In Buffalo.")
        db.session.commit()
    _unsubscribe_and_remind(app, "sender@example.org", "background", "application", 1)
    held = _held_for(app, "sender@example.org")
    assert held == {"deliveries": 0, "opt_outs": 1, "outbox": 1, "reminders": 1}
    with app.app_context():
        privacy_accounts.erase_account(db.session.get(User, coordinator), None)
        db.session.commit()
    assert _held_for(app, "sender@example.org") == NOTHING
    with app.app_context():
        message = db.session.scalars(sa.select(GroupMessage)).one()
        assert message.sent_by_id is None  # the message stays, without the link to them
        assert len(message.deliveries) == 2


def test_the_last_admin_and_a_familys_account_are_not_erased_this_way(app, families):
    make_user(app, "only-admin@example.org", Role.ADMIN)
    with app.app_context():
        with pytest.raises(DomainError):
            privacy_accounts.erase_account(accounts.find_user("only-admin@example.org"), None)
        with pytest.raises(DomainError):
            privacy_accounts.erase_account(accounts.find_user("famerase@example.org"), None)
        db.session.rollback()
        assert accounts.find_user("only-admin@example.org").active


def test_a_staff_export_holds_the_messages_received(app, teachers):
    with app.app_context():
        data = _unzip(privacy_accounts.export_account(accounts.find_user("lotte@example.org")))
    assert data["account"]["email"] == "lotte@example.org"
    assert data["teacher"]["name"] == "Lotte Lehrerase"
    [received] = data["group_messages"]
    assert received["subject"] in (
        "Before the flight, Lotte Lehrerase",
        "Vor dem Flug, Lotte Lehrerase",
    )
    assert [r["recipient"] for r in data["reminders"]] == ["lotte@example.org"]
    assert [o["email"] for o in data["message_opt_outs"]] == ["lotte@example.org"]
    assert "Bernd" not in json.dumps(data)


def test_the_commands_export_and_erase_a_staff_account(app, teachers, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "lotte.zip"
    result = runner.invoke(args=["privacy", "export-account", "lotte@example.org", str(target)])
    assert result.exit_code == 0, result.output
    assert "Lotte Lehrerase" in _unzip(target.read_bytes())["teacher"]["name"]
    refused = runner.invoke(args=["privacy", "erase-account", "lotte@example.org"])
    assert refused.exit_code != 0 and "--yes" in refused.output
    _held_everywhere(app, "lotte@example.org")
    result = runner.invoke(args=["privacy", "erase-account", "lotte@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert _held_for(app, "lotte@example.org") == NOTHING


def _unzip(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        [name] = archive.namelist()
        return json.loads(archive.read(name))


# --- the purge -----------------------------------------------------------------------------


def test_a_cohorts_messages_and_delivery_logs_go_with_its_purge(app, guardians):
    complete(app, guardians["cohort"], datetime(2020, 1, 1))
    kept = make_cohort(app, name="Buffalo 2028")
    enrol(app, make_student(app), kept)
    _send(app, gm.GUARDIANS, kept)
    with app.app_context():
        privacy_purge.purge(utcnow())
        db.session.commit()
        cohorts = db.session.scalars(sa.select(GroupMessage.cohort_id)).all()
        assert cohorts == [kept]
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 1


def test_a_message_to_no_cohort_goes_a_year_after_it_was_written(app, families):
    with app.app_context():
        message = gm.create(gm.VETTING, None, TEXTS)
        db.session.commit()
        message_id, written = message.id, message.created_at
    for days, left in ((364, 1), (366, 0)):
        with app.app_context():
            privacy_purge.purge(written + timedelta(days=days))
            db.session.commit()
            assert (db.session.get(GroupMessage, message_id) is not None) == bool(left), days


def test_notes_of_reminders_go_90_days_after_they_were_sent(app, guardians):
    with app.app_context():
        sent = db.session.scalars(sa.select(SentReminder.sent_at)).all()
        assert len(sent) == 2
        privacy_purge.purge(max(sent) + timedelta(days=89))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 2
        privacy_purge.purge(max(sent) + timedelta(days=91))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 0


def test_an_opt_out_stays_through_the_purge(app, guardians):
    complete(app, guardians["cohort"], datetime(2020, 1, 1))
    with app.app_context():
        privacy_purge.purge(utcnow() + timedelta(days=1000))
        db.session.commit()
        # The students are purged with the cohort; the wish for no group messages is kept.
        assert db.session.scalar(sa.select(sa.func.count(Student.id))) == 0
        assert set(db.session.scalars(sa.select(MessageOptOut.email))) == {
            "eva@example.org",
            "otto@example.org",
        }


PAGE_SENTENCES = {
    "student": (
        "Every message to the guardians goes too: the emails to them, their rows in the delivery "
        "logs of group messages, the notes of reminders sent to them and their wish to receive no "
        "group messages. The download above holds those messages."
    ),
    "family": (
        "Every message to the family goes too: the emails to it, its rows in the delivery logs of "
        "group messages, the notes of reminders sent to it and its wish to receive no group "
        "messages. The download above holds those messages."
    ),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_erasure_pages_count_the_messages_and_say_they_go_too(
    app, auth, client, guardians, language
):
    application = make_vetted_family(app, [guardians["cohort"]], family_name="Neu")
    with app.app_context():
        family = db.session.get(HostApplication, application).family_id
    auth.login_as("admin")
    client.set_cookie("lang", language)
    for kind, url, label, count in (
        ("student", f"/admin/privacy/students/{guardians['erika']}", "guardians", 1),
        ("family", f"/admin/privacy/families/{family}", "family", 0),
    ):
        page = client.get(url).get_data(as_text=True)
        assert translated(app, language, PAGE_SENTENCES[kind]) in page, url
        held = translated(app, language, f"Group messages to the {label}")
        assert f"<dt>{held}</dt><dd>{count}</dd>" in page, url


def test_a_message_written_to_a_cohort_already_purged_goes_at_the_next_purge(app, teachers):
    complete(app, teachers["cohort"], datetime(2020, 1, 1))
    with app.app_context():
        privacy_purge.purge(utcnow())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(GroupMessage.id))) == 0
    _send(app, gm.TEACHERS, teachers["cohort"])  # its teachers are still there
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 2
        privacy_purge.purge(utcnow())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(GroupMessage.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 0


def test_a_family_whose_reference_is_a_guardian_leaves_the_guardians_messages(app, guardians):
    """Otto Hier, a guardian, is also a family's reference: the family's export does not hold
    his messages, and erasing the family leaves his delivery row, opt-out and reminder note."""
    reference = {"name": "Otto Hier", "relation": "friend", "phone": "+1 716 555 0133", "email": ""}
    application = make_vetted_family(
        app,
        [guardians["cohort"]],
        family_name="Referenz",
        email="referenz@example.org",
        references=[{**reference, "email": "otto@example.org"}, {**reference, "name": "Bo"}],
    )
    with app.app_context():
        family = db.session.get(HostApplication, application).family
        data = _unzip(export_family(family))
        assert data["group_messages"] == [] and data["message_opt_outs"] == []
        assert data["reminders"] == []
    before = _held_for(app, "otto@example.org")
    with app.app_context():
        erase_family(db.session.get(HostApplication, application).family, None)
        db.session.commit()
    after = _held_for(app, "otto@example.org")
    for kept in ("deliveries", "opt_outs", "reminders"):
        assert after[kept] == before[kept] == 1, kept


# --- the pages for a staff account ---------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_admin_exports_and_erases_a_teachers_account_on_its_page(
    app, auth, client, teachers, language
):
    lotte = _user_id(app, "lotte@example.org")
    auth.login_as("admin")
    client.set_cookie("lang", language)
    url = f"/admin/privacy/accounts/{lotte}"
    assert f'href="{url}"' in client.get(f"/admin/users/{lotte}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    held = translated(app, language, "Group messages to the account")
    assert f"<dt>{held}</dt><dd>1</dd>" in page
    assert "Lotte Lehrerase" in page
    export = client.get(f"{url}/export")
    assert export.status_code == 200
    assert _unzip(export.data)["group_messages"][0]["email"] == "lotte@example.org"

    wrong = post(client, f"{url}/erase", {"confirm": "bernd@x.org"})
    assert wrong.status_code == 400
    refusal = html.unescape(wrong.get_data(as_text=True))
    assert translated(app, language, "This is not the account's email address.") in refusal
    assert translated(app, language, "Nothing was erased.") in refusal
    _held_everywhere(app, "lotte@example.org")
    done = post(client, f"{url}/erase", {"confirm": " LOTTE@example.org "})
    assert done.status_code == 302
    assert _held_for(app, "lotte@example.org") == NOTHING
    with app.app_context():
        assert db.session.get(User, lotte) is None


def test_the_account_pages_refuse_others_a_familys_account_and_ones_own(
    app, auth, client, families
):
    family_user = _user_id(app, "famerase@example.org")
    sender = _user_id(app, "sender@example.org")
    auth.login_as("coordinator")
    assert client.get(f"/admin/privacy/accounts/{sender}").status_code == 403
    assert (
        post(client, f"/admin/privacy/accounts/{sender}/erase", {"confirm": "x"}).status_code == 403
    )
    auth.logout()
    auth.login_as("admin")
    assert client.get(f"/admin/privacy/accounts/{family_user}").status_code == 404
    assert client.get(f"/admin/privacy/accounts/{family_user}/export").status_code == 404
    own = _user_id(app, "admin@example.org")
    response = post(
        client, f"/admin/privacy/accounts/{own}/erase", {"confirm": "admin@example.org"}
    )
    assert response.status_code == 400
    assert "You cannot erase your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, own).active
