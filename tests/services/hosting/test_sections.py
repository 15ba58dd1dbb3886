"""The family's application as a task list: each section saves on its own under the rules
of the whole application, and says whether it is not started, in progress or completed."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ApplicationStatus, HostApplication
from app.services.hosting import families, rechecks, sections
from app.services.hosting.rechecks import Check, Topic
from app.services.hosting.sections import COMPLETED, IN_PROGRESS, NOT_STARTED, Section
from app.services.validation import ValidationFailed
from tests.factories import (
    family_values,
    make_application,
    make_cohort,
    make_vetted_family,
    sign_up_confirmed,
)

A = ApplicationStatus


def statuses(application: HostApplication) -> dict[str, str]:
    return {task.section.value: task.status for task in sections.tasks(application)}


def draft(app):
    family = sign_up_confirmed("millers@example.org")
    return families.current_application(family)


def own(section: Section, values: dict) -> dict:
    return {field: values[field] for field in sections.FIELDS[section] if field in values}


def test_every_answer_belongs_to_exactly_one_section():
    asked = [field for fields in sections.FIELDS.values() for field in fields]
    expected = {"family_name", "members", "references", "cohort_ids", *families.ANSWER_FIELDS}
    assert sorted(asked) == sorted(expected)


def test_every_topic_a_check_covers_is_answered_in_one_section():
    """A section tells the family only about the topics it asks for: a topic's answers
    change only when that section's answers change."""
    values = family_values([1])
    changed = {
        Section.HOUSEHOLD: {"members": [*values["members"], {"name": "Al", "age": 30}]},
        Section.HOME: {
            "address_line": "1 Main St",
            "has_pets": True,
            "pets": "a dog",
            "smoking_in_home": True,
            "bedrooms": 5,
        },
        Section.PREFERENCES: {"beds_offered": 2, "shared_room": True},
        Section.REFERENCES: {"references": values["references"][:1]},
        Section.AVAILABILITY: {"cohort_ids": [2]},
    }
    for section, change in changed.items():
        assert set(change) <= set(sections.FIELDS[section])
        topics = set(rechecks.changed_topics(values, {**values, **change}))
        assert topics == set(sections.TOPICS[section]), section
    assert sorted(t for ts in sections.TOPICS.values() for t in ts) == sorted(Topic)


def test_a_new_application_has_every_section_not_started(app):
    with app.app_context():
        assert set(statuses(draft(app)).values()) == {NOT_STARTED}


def test_a_section_is_in_progress_until_its_answers_are_complete(app):
    cohort_id = make_cohort(app)
    with app.app_context():
        application = draft(app)
        values = family_values([cohort_id])
        sections.save(application, Section.HOME, {"city": "Buffalo"})
        sections.save(application, Section.HOUSEHOLD, own(Section.HOUSEHOLD, values))
        found = {task.section: task for task in sections.tasks(application)}
        assert found[Section.HOUSEHOLD].status == COMPLETED
        assert found[Section.HOME].status == IN_PROGRESS
        assert found[Section.HOME].missing == (
            "address_line", "postal_code", "phone", "bedrooms", "high_school",
            "school_distance_miles",
        )  # fmt: skip
        assert found[Section.REFERENCES].missing == (
            "reference1",
            "reference2",
            "background_check_consent",
        )
        assert found[Section.REFERENCES].status == NOT_STARTED
        # The answers a new application starts with do not count as started.
        sections.save(application, Section.PREFERENCES, {"gender_preference": "any"})
        assert statuses(application)["preferences"] == NOT_STARTED


def test_saving_a_section_leaves_the_others_as_stored(app):
    cohort_id = make_cohort(app)
    with app.app_context():
        application = draft(app)
        values = family_values([cohort_id])
        for section in Section:
            sections.save(application, section, own(section, values))
        assert set(statuses(application).values()) == {COMPLETED}
        # Answers of other sections posted with it are not taken.
        sections.save(application, Section.AVAILABILITY, {"cohort_ids": [], "city": "Elsewhere"})
        assert (application.city, application.cohorts) == ("Buffalo", [])
        assert [m.name for m in application.members] == ["Pat Miller", "Sam Miller"]
        assert [r.name for r in application.references] == ["Ann Neighbour", "Bob Coach"]
        assert statuses(application)["availability"] == NOT_STARTED


def test_a_malformed_section_is_refused_and_nothing_is_kept(app):
    with app.app_context():
        application = draft(app)
        with pytest.raises(ValidationFailed) as refused:
            sections.save(
                application,
                Section.HOME,
                {"city": "Toronto", "state": "ON", "postal_code": "M5V 2T6"},
            )
        assert {field for field, _ in refused.value.problems} == {"state", "postal_code"}
        db.session.rollback()
        assert application.city == ""


def test_a_submitted_application_keeps_every_section_complete(app):
    application_id = make_application(app)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        with pytest.raises(ValidationFailed) as refused:
            sections.save(application, Section.HOME, {"phone": ""})
        assert refused.value.problems == [("phone", "This field is required.")]


def test_a_section_reopens_the_checks_that_covered_its_answers(app):
    cohort_id = make_cohort(app)
    application_id = make_vetted_family(app, [cohort_id], "home_visited")
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert sections.covered(application, Section.HOUSEHOLD) == [
            (Check.BACKGROUND, (Topic.ADULTS,)),
            (Check.HOME_VISIT, (Topic.MEMBERS,)),
        ]
        assert sections.covered(application, Section.HOME) == [
            (Check.HOME_VISIT, (Topic.ADDRESS, Topic.PETS, Topic.SMOKING, Topic.BEDROOMS))
        ]
        assert sections.covered(application, Section.AVAILABILITY) == []
        # A phone number is not covered by a check: nothing reopens.
        assert sections.save(application, Section.HOME, {"phone": "+1 716 555 0199"}) == {}
        reopened = sections.save(application, Section.HOME, {"has_pets": True, "pets": "a dog"})
        assert reopened == {Check.HOME_VISIT: [Topic.PETS]}
        assert application.status == A.BACKGROUND_CLEARED
