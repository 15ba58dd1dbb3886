"""Matching: never a broken rule, never an overfull family, as many students placed as the rules
allow and the best total fit among those — checked against an exhaustive search on many small
random cohorts — and the vectorised rules agree with placement_rules.broken_rules."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from random import Random

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from app.services.placement import matching
from app.services.placement.matching import Proposal, explain, propose
from app.services.placement.matching_matrix import allowed_matrix, broken_matrices, fit_matrix
from app.services.placement.placement_rules import FamilyFacts, Rule, StudentFacts, broken_rules

RETURNS_ON = date(2026, 7, 10)
GENDERS = ("female", "male", "diverse")
DIETS = ("none", "none", "vegetarian", "vegan", "halal", "kosher", "gluten_free", "other")
INTERESTS = ("football", "music", "chess", "hiking", "theatre")
LANGUAGES = ("english", "german", "spanish", "french", "turkish")
LATER = RETURNS_ON + timedelta(days=400)
DATES = (None, RETURNS_ON - timedelta(days=1), RETURNS_ON, LATER, LATER, LATER)


def student(sid: int, name: str = "", gender: str = "female", **kw) -> StudentFacts:
    return StudentFacts(sid, name or f"Student {sid}", gender, **kw)


def family(fid: int, name: str = "", **kw) -> FamilyFacts:
    values = dict(
        approved=True,
        available=True,
        background_valid_until=RETURNS_ON + timedelta(days=100),
        has_pets=False,
        smoking=False,
        gender_preference="any",
        shared_room=False,
        free_beds=1,
    )
    return FamilyFacts(fid, name or f"Family {fid}", **{**values, **kw})


def subset(words: tuple[str, ...], max_size: int = 3):
    return st.frozensets(st.sampled_from(words), max_size=max_size)


students_strategy = st.builds(
    StudentFacts,
    enrolment_id=st.just(0),
    name=st.sampled_from(["Anna", "Ben", "Cem", "Dana", "Emil", "Fatma"]),
    gender=st.sampled_from(GENDERS),
    holds_place=st.sampled_from([True, True, True, False]),
    pet_allergy=st.sampled_from([False, False, False, True]),
    no_pets=st.booleans(),
    no_smokers=st.booleans(),
    diet=st.sampled_from(DIETS),
    interests=subset(INTERESTS),
    languages=subset(LANGUAGES),
)

families_strategy = st.builds(
    FamilyFacts,
    application_id=st.just(0),
    name=st.sampled_from(["Adams", "Brown", "Clark", "Davis"]),
    approved=st.sampled_from([True] * 7 + [False]),
    available=st.sampled_from([True] * 7 + [False]),
    background_valid_until=st.sampled_from(DATES),
    has_pets=st.booleans(),
    smoking=st.sampled_from([False, False, False, True]),
    gender_preference=st.sampled_from(["any", "any", "female", "male"]),
    shared_room=st.booleans(),
    free_beds=st.integers(0, 2),
    placed_genders=st.sampled_from(
        [frozenset()] * 3 + [frozenset({"female"}), frozenset({"male"}), frozenset(GENDERS[:2])]
    ),
    diets=subset(DIETS[2:], 4),
    languages=subset(LANGUAGES),
    interests=subset(INTERESTS),
    distance_miles=st.one_of(st.none(), st.sampled_from([0.0, 0.4, 2.5, 3.5, 7.2, 9.5, 12.0])),
)


def numbered(students: list[StudentFacts], families: list[FamilyFacts]):
    return (
        [replace(s, enrolment_id=i + 1) for i, s in enumerate(students)],
        [replace(f, application_id=j + 1) for j, f in enumerate(families)],
    )


cohorts = st.tuples(
    st.lists(students_strategy, max_size=6), st.lists(families_strategy, max_size=4)
).map(lambda pair: numbered(*pair))


def reference_fit(s: StudentFacts, f: FamilyFacts) -> int:
    """The fit score as the brief describes it, one pair at a time."""
    languages = (s.languages & f.languages) - {"german", "deutsch"}
    score = matching.INTEREST_POINTS * min(len(s.interests & f.interests), matching.INTEREST_CAP)
    score += matching.LANGUAGE_POINTS * min(len(languages), matching.LANGUAGE_CAP)
    if f.distance_miles is not None:
        score += max(0, matching.DISTANCE_POINTS - round(f.distance_miles))
    if s.diet != "none" and s.diet in f.diets:
        score += matching.DIET_POINTS
    if s.no_pets and not f.has_pets:
        score += matching.NO_PETS_POINTS
    return score


def capacity(f: FamilyFacts) -> int:
    """Beds, but one student at most in a shared room of a family taking any gender and none
    placed yet: otherwise two students of different genders could end up sharing it."""
    if f.shared_room and f.gender_preference == "any" and not f.placed_genders:
        return min(1, max(0, f.free_beds))
    return max(0, f.free_beds)


def exhaustive(students, families) -> tuple[int, int]:
    """(most students placed, best total fit among those), trying every assignment of the
    students to an allowed family or none that respects the beds and keeps shared rooms to
    one gender."""
    options = [
        [None] + [j for j, f in enumerate(families) if not broken_rules(s, f, RETURNS_ON)]
        for s in students
    ]
    fit = [[reference_fit(s, f) for f in families] for s in students]
    best = (0, 0)
    for choice in itertools.product(*options):
        taken = Counter(j for j in choice if j is not None)
        if any(n > capacity(families[j]) for j, n in taken.items()):
            continue
        genders = {j: set(families[j].placed_genders) for j in taken}
        for s, j in zip(students, choice, strict=True):
            if j is not None:
                genders[j].add(s.gender)
        if any(families[j].shared_room and len(genders[j]) > 1 for j in taken):
            continue
        score = sum(fit[i][j] for i, j in enumerate(choice) if j is not None)
        best = max(best, (taken.total(), score))
    return best


def check_valid(students, families, proposal: Proposal) -> None:
    placed = [p.student.enrolment_id for p in proposal.pairs]
    unplaced = [u.student.enrolment_id for u in proposal.unplaced]
    assert sorted(placed + unplaced) == [s.enrolment_id for s in students]
    per_family = Counter(p.family.application_id for p in proposal.pairs)
    for f in families:
        assert per_family[f.application_id] <= f.free_beds
        genders = f.placed_genders | {
            p.student.gender for p in proposal.pairs if p.family.application_id == f.application_id
        }
        assert not f.shared_room or len(genders) <= 1 or per_family[f.application_id] == 0
    for p in proposal.pairs:
        assert broken_rules(p.student, p.family, RETURNS_ON) == []
        assert p.score == reference_fit(p.student, p.family)
    keys = [(p.family.name, p.family.application_id, p.student.name) for p in proposal.pairs]
    assert keys == sorted(keys)


SHARED_ANY = family(1, shared_room=True, free_beds=2)
EXAMPLES = [
    ([student(1), student(2)], [SHARED_ANY]),  # shared room, any gender: one student
    ([student(1), student(2, gender="male")], [SHARED_ANY, family(2, gender_preference="male")]),
    # Placing both beats the better fit of student 1 with family 1.
    (
        [student(1, no_pets=True), student(2, pet_allergy=True)],
        [family(1), family(2, has_pets=True)],
    ),
]


@settings(max_examples=300, deadline=None)
@given(cohorts)
@example(EXAMPLES[0])
@example(EXAMPLES[1])
@example(EXAMPLES[2])
def test_proposal_is_valid_and_optimal(cohort):
    students, families = cohort
    proposal = propose(students, families, RETURNS_ON)
    check_valid(students, families, proposal)
    most, best_fit = exhaustive(students, families)
    assert len(proposal.pairs) == most
    assert sum(p.score for p in proposal.pairs) == best_fit


@settings(max_examples=200, deadline=None)
@given(
    st.lists(students_strategy, max_size=12),
    st.lists(families_strategy, max_size=10),
)
def test_vectorised_rules_and_fit_agree_with_the_reference(students, families):
    students, families = numbered(students, families)
    allowed = allowed_matrix(students, families, RETURNS_ON)
    broken = broken_matrices(students, families, RETURNS_ON)
    full = {r: np.broadcast_to(m, allowed.shape) for r, m in broken.items()}
    fit = fit_matrix(students, families)
    assert allowed.shape == fit.shape == (len(students), len(families))
    for i, s in enumerate(students):
        for j, f in enumerate(families):
            expected = broken_rules(s, f, RETURNS_ON)
            assert bool(allowed[i, j]) == (expected == [])
            assert {r for r, m in full.items() if m[i, j]} == set(expected)
            assert fit[i, j] == reference_fit(s, f)
    for s, f in zip(students, families, strict=False):  # some pairs through explain
        assert explain(s, f, RETURNS_ON)[0] == reference_fit(s, f)


# Concrete cases


def test_pet_allergy_is_never_placed_with_pets():
    allergic = student(1, pet_allergy=True)
    proposal = propose([allergic], [family(1, has_pets=True), family(2)], RETURNS_ON)
    assert [(p.student, p.family.application_id) for p in proposal.pairs] == [(allergic, 2)]


def test_unplaced_names_the_rule_blocking_most_families(app):
    allergic = student(1, pet_allergy=True)
    families = [family(j, has_pets=True) for j in range(1, 6)]
    families += [family(6, has_pets=True, approved=False), family(7, approved=False)]
    with app.test_request_context():
        proposal = propose([allergic], families, RETURNS_ON)
    assert proposal.pairs == []
    [unplaced] = proposal.unplaced
    assert unplaced.rule is Rule.PET_ALLERGY
    assert unplaced.message.startswith(
        "Every family breaks a rule: allergic to pets and the family has pets (6 of 7 families)"
    )
    assert "the family is not approved (2 of 7 families)" in unplaced.message


def test_when_every_family_has_pets_the_pet_rule_is_named():
    allergic = student(1, pet_allergy=True)
    proposal = propose([allergic], [family(1, has_pets=True), family(2, has_pets=True)], RETURNS_ON)
    [unplaced] = proposal.unplaced
    assert unplaced.rule is Rule.PET_ALLERGY
    assert unplaced.message == (
        "Every family breaks a rule: allergic to pets and the family has pets (2 of 2 families)"
    )


def test_beds_given_to_others_are_explained():
    students = [student(1, "Anna"), student(2, "Ben")]
    proposal = propose(students, [family(1, free_beds=1)], RETURNS_ON)
    assert len(proposal.pairs) == 1
    [unplaced] = proposal.unplaced
    assert unplaced.rule is None
    assert unplaced.message == "The family that fits (1) has no free bed left"
    proposal = propose(students * 2, [family(1), family(2)], RETURNS_ON)
    assert {u.message for u in proposal.unplaced} == {"Families that fit (2) have no free bed left"}


def test_more_students_placed_beats_a_better_fit():
    # Anna fits the Adams best, but only the Adams can take Ben; both must be placed.
    anna = student(1, "Anna", interests=frozenset({"music", "chess"}))
    ben = student(2, "Ben", "male")
    adams = family(1, "Adams", interests=frozenset({"music", "chess"}))
    brown = family(2, "Brown", gender_preference="female", distance_miles=30.0)
    proposal = propose([anna, ben], [adams, brown], RETURNS_ON)
    assert [(p.family.name, p.student.name) for p in proposal.pairs] == [
        ("Adams", "Ben"),
        ("Brown", "Anna"),
    ]


def test_more_students_than_beds_and_pairs_ordered_by_family_then_student():
    students = [student(i, name, "male") for i, name in enumerate(["Emil", "Ben", "Dan", "Al"])]
    families = [family(1, "Zander", free_beds=1), family(2, "Adams", free_beds=2)]
    proposal = propose(students, families, RETURNS_ON)
    assert [p.family.name for p in proposal.pairs] == ["Adams", "Adams", "Zander"]
    adams = [p.student.name for p in proposal.pairs if p.family.name == "Adams"]
    assert adams == sorted(adams)
    assert len(proposal.unplaced) == 1


def test_shared_room_of_a_family_taking_any_gender_gets_one_student():
    girls = [student(1), student(2), student(3, gender="male")]
    proposal = propose(girls, [family(1, shared_room=True, free_beds=2)], RETURNS_ON)
    assert len(proposal.pairs) == 1
    placed_girl = family(1, shared_room=True, free_beds=2, placed_genders=frozenset({"female"}))
    proposal = propose(girls, [placed_girl], RETURNS_ON)
    assert sorted(p.student.enrolment_id for p in proposal.pairs) == [1, 2]
    assert [u.rule for u in proposal.unplaced] == [Rule.SHARED_ROOM_GENDER]


def test_reasons_and_tradeoffs_in_plain_words(app):
    anna = student(
        1,
        interests=frozenset({"football", "music", "chess"}),
        languages=frozenset({"english", "spanish", "german"}),
        diet="vegetarian",
        no_pets=True,
    )
    adams = family(
        1,
        interests=frozenset({"music", "football"}),
        languages=frozenset({"english", "spanish", "german"}),
        diets=frozenset({"vegetarian", "vegan"}),
        distance_miles=2.5,
    )
    with app.test_request_context():
        [pair] = propose([anna], [adams], RETURNS_ON).pairs
        score, reasons, tradeoffs = explain(anna, adams, RETURNS_ON)
    assert (
        pair.reasons
        == reasons
        == [
            "shares interests: football, music",
            "speaks English and Spanish at home",
            "2.5 miles from school",
            "can cook vegetarian",
            "no pets, as the student wished",
        ]
    )
    assert pair.tradeoffs == tradeoffs == []
    assert pair.score == score == 2 * 3 + 2 * 3 + (10 - 2) + 5 + 3

    ben = student(2, "Ben", "male", diet="halal", no_pets=True, no_smokers=True)
    brown = family(2, has_pets=True, smoking=True, distance_miles=12.0)
    with app.test_request_context():
        score, reasons, tradeoffs = explain(ben, brown, RETURNS_ON)
    assert (score, reasons) == (0, [])
    assert tradeoffs == [
        "The student asked for a home without smokers; somebody smokes there.",
        "no shared interests",
        "12 miles from school",
        "the family cannot cook halal",
        "has pets although the student would prefer none",
    ]


def test_empty_inputs():
    assert propose([], [], RETURNS_ON) == Proposal([], [])
    assert propose([], [family(1)], RETURNS_ON) == Proposal([], [])
    proposal = propose([student(1)], [], RETURNS_ON)
    assert proposal.pairs == []
    assert [u.rule for u in proposal.unplaced] == [None]


def random_cohort(n_students: int, n_families: int, beds: tuple[int, int], seed: int = 1):
    rnd = Random(seed)
    students = [
        StudentFacts(
            i,
            f"Student {i}",
            rnd.choice(GENDERS),
            pet_allergy=rnd.random() < 0.1,
            no_pets=rnd.random() < 0.2,
            no_smokers=rnd.random() < 0.5,
            diet=rnd.choice(DIETS),
            interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 3))),
            languages=frozenset(rnd.sample(LANGUAGES, rnd.randint(1, 3))),
        )
        for i in range(n_students)
    ]
    families = [
        family(
            j,
            has_pets=rnd.random() < 0.4,
            smoking=rnd.random() < 0.1,
            gender_preference=rnd.choice(["any", "any", "female", "male"]),
            shared_room=rnd.random() < 0.1,
            free_beds=rnd.randint(*beds),
            diets=frozenset(rnd.sample(DIETS[2:], rnd.randint(0, 3))),
            interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 3))),
            languages=frozenset(rnd.sample(LANGUAGES, rnd.randint(1, 2))),
            distance_miles=rnd.choice([None, rnd.uniform(0, 25)]),
        )
        for j in range(n_families)
    ]
    return students, families


def test_a_large_cohort_is_placed_as_well_as_an_exact_solver_can():
    """2,000 students and 1,000 families: every pair keeps the rules and the beds, and as many
    students are placed, with as good a total fit, as another exact solver finds."""
    students, families = random_cohort(2000, 1000, (2, 3))
    proposal = propose(students, families, RETURNS_ON)
    assert len(proposal.pairs) + len(proposal.unplaced) == len(students)
    check_valid(students, families, proposal)
    found = (len(proposal.pairs), sum(p.score for p in proposal.pairs))
    assert found == sparse_optimum(students, families)


def sparse_optimum(students, families) -> tuple[int, int]:
    """(most students placed, best total fit) from an exact solver of another kind: a
    minimum-weight full matching on the sparse graph of the allowed pairs, one node per bed and
    one per student meaning "not placed"."""
    n = len(students)
    allowed = allowed_matrix(students, families, RETURNS_ON)
    fit = fit_matrix(students, families)
    big = n * matching.MAX_FIT + 1
    bed_family = np.repeat(np.arange(len(families)), [capacity(f) for f in families])
    rows, beds = np.nonzero(allowed[:, bed_family])
    weights = np.concatenate([big - fit[rows, bed_family[beds]], np.full(n, 2 * big)])
    graph = coo_matrix(
        (
            weights.astype(float),
            (
                np.concatenate([rows, np.arange(n)]),
                np.concatenate([beds, bed_family.size + np.arange(n)]),
            ),
        ),
        shape=(n, bed_family.size + n),
    )
    placed, matched = min_weight_full_bipartite_matching(graph.tocsr())
    on_bed = matched < bed_family.size
    return int(on_bed.sum()), int(fit[placed[on_bed], bed_family[matched[on_bed]]].sum())


@pytest.mark.parametrize(
    ("n_students", "n_families", "beds"),
    [(60, 50, (1, 2)), (90, 40, (0, 2)), (150, 30, (1, 3))],
)
def test_cost_matrix_in_chunks_keeps_the_optimum(monkeypatch, n_students, n_families, beds):
    """Filled a few students at a time, with more beds than students or fewer (then the matrix
    is laid out transposed): the same proposal as in one piece, and the optimum of another
    exact solver."""
    students, families = random_cohort(n_students, n_families, beds, seed=n_students)
    whole = propose(students, families, RETURNS_ON)
    monkeypatch.setattr(matching, "CHUNK", 7)
    proposal = propose(students, families, RETURNS_ON)
    assert proposal == whole
    check_valid(students, families, proposal)
    found = (len(proposal.pairs), sum(p.score for p in proposal.pairs))
    assert found == sparse_optimum(students, families)


def test_every_fit_fits_the_type_it_is_kept_in():
    assert np.iinfo(matching.FIT_TYPE).max >= matching.MAX_FIT


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cohort=cohorts)
def test_proposal_is_valid_inside_an_application_context(app, cohort):
    """The same property where the texts are translated, inside a request."""
    with app.test_request_context():
        proposal = propose(*cohort, RETURNS_ON)
    check_valid(*cohort, proposal)
