"""Bad input everywhere (issue #8): every route of app.url_map gets generated garbage in its
URL, its query string and its form (and files, for the import), sent by a role that may use
it. No request may end in a 500, and a refused request (a 4xx, or a POST answered with the
form again) may leave no trace in the database. Bodies no browser sends get a test of
their own.

The world is built once for the module (tests/fuzz/world.py); requests that are accepted
change it as they would in real use, and the fuzzing accounts are put right before each
example. Examples are derandomized, so a run is the same on every machine."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import create_app
from app.extensions import db
from app.models import DocumentKind, Role, User
from app.services.hosting.sections import Section
from tests.conftest import empty_tables, make_config
from tests.fuzz import garbage
from tests.fuzz.world import EMAIL_KEYS, PARTS, World, build_world, fill, roles_for
from tests.services.enrolment.test_uploads import a_pdf

METHODS = ("GET", "POST")
# Files rendered with WeasyPrint take about a second each: fewer examples there.
SLOW = ("pdf", "<any(")
# FUZZ_EXAMPLES=200 for a deeper run on a developer's machine.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
SLOW_EXAMPLES = max(1, EXAMPLES // 2)
MAX_INT_ID = 2**31 - 1
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    rule: str
    arguments: tuple[str, ...]
    roles: tuple[Role | None, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


# POSTs that delete or end what later routes need: they run last.
DESTRUCTIVE = ("/delete", "/erase", "/remove", "/discard", "/end", "/withdraw", "/active")


def order(case: Case) -> tuple:
    """Pages first, then forms, then the forms that take rows away."""
    return (case.method == "POST", case.rule.endswith(DESTRUCTIVE), case.rule, case.endpoint)


def all_cases() -> list[Case]:
    """(endpoint, method) of every rule but the static files, in the order they run."""
    app = create_app(make_config("sqlite://"))
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        roles = tuple(roles_for(app, rule.endpoint))
        for method in METHODS:
            if method in rule.methods:
                found.append(
                    Case(rule.endpoint, method, rule.rule, tuple(sorted(rule.arguments)), roles)
                )
    return sorted(found, key=order)


SCAN = a_pdf()
# Routes that take a file: their body always carries one.
UPLOADS = ("imports.upload", "enrolments.upload_file")
CASES = all_cases()
FAST = [case for case in CASES if not any(mark in case.rule for mark in SLOW)]
SLOW_CASES = [case for case in CASES if case not in FAST]


@pytest.fixture(scope="module")
def world(database_url):
    app = create_app(make_config(database_url))
    with app.app_context():
        db.create_all()
        empty_tables()
    built = build_world(app)
    yield built
    app.logger.removeHandler(built.errors)
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.engine.dispose()


# --- drawing a request ----------------------------------------------------------------------


def id_values(world: World, name: str) -> st.SearchStrategy[object]:
    """A real id of the table, or a number or text no converter or table expects."""
    real = st.sampled_from(world.ids.get(name) or [1])
    return st.one_of(
        real,
        real,  # twice: half of the ids are real, so that most requests reach the view
        st.sampled_from([0, MAX_INT_ID, MAX_INT_ID + 1, 2**63, 10**30, "-1", "+1", " 1"]),
        st.sampled_from(["1.0", "x", "٣", "١٢", "１２", "²", "𝟏"]),  # other scripts' digits too
        st.integers(min_value=1, max_value=MAX_INT_ID),
    )


def path_values(world: World, case: Case, data) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair, rows in world.pairs.items():
        if set(pair) <= set(case.arguments) and rows and data.draw(st.booleans(), label="pair"):
            values.update(zip(pair, data.draw(st.sampled_from(rows), label=str(pair)), strict=True))
    for name in case.arguments:
        if name in values:
            continue
        if name == "kind":
            kinds = st.sampled_from([kind.value for kind in DocumentKind])
            values[name] = data.draw(st.one_of(kinds, garbage.TEXT.filter(bool)), label=name)
        elif name == "fmt":
            values[name] = data.draw(st.sampled_from(["csv", "xlsx", "pdf"]), label=name)
        elif name == "key":
            keys = st.sampled_from(EMAIL_KEYS)
            values[name] = data.draw(st.one_of(keys, garbage.TEXT.filter(bool)), label=name)
        elif name == "part":
            parts = st.sampled_from(PARTS)
            values[name] = data.draw(st.one_of(parts, garbage.TEXT.filter(bool)), label=name)
        elif name == "section":
            sections = st.sampled_from([section.value for section in Section])
            values[name] = data.draw(st.one_of(sections, garbage.TEXT.filter(bool)), label=name)
        else:
            values[name] = data.draw(id_values(world, name), label=name)
    return values


def form_body(world: World, case: Case, token: str, data) -> list[tuple[str, object]]:
    """The fields the pages send to this endpoint, with offered or garbage values, some
    missing, some repeated; unknown extra fields; the CSRF token, usually valid."""
    fields = world.fields.of(case.endpoint, case.method)
    body: list[tuple[str, object]] = []
    for name, seen in fields.items():
        body += [(name, value) for value in data.draw(garbage.field_values(seen), label=name)]
    body += data.draw(garbage.EXTRA_FIELDS, label="extra fields")
    body += data.draw(garbage.renumbered(list(fields)), label="renumbered fields")
    # Mostly valid, so that most forms reach the view.
    tokens = ["valid"] * 5 + ["missing", "garbage", "twice"]
    csrf = data.draw(st.sampled_from(tokens), label="csrf")
    if csrf == "valid":
        body.append(("csrf_token", token))
    elif csrf == "garbage":
        body.append(("csrf_token", data.draw(garbage.GARBAGE, label="bad token")))
    elif csrf == "twice":
        body += [("csrf_token", "forged"), ("csrf_token", token)]
    if case.endpoint in UPLOADS:
        contents = garbage.FILE_CONTENT
        if case.endpoint == "enrolments.upload_file":  # a real scan now and then, to store
            contents = st.one_of(st.just(SCAN), contents)
        content = data.draw(contents, label="file content")
        filename = data.draw(garbage.FILENAMES, label="filename")
        body.append(("file", FileStorage(io.BytesIO(content), filename, "file")))
    return body


def describe(role, method: str, url: str, query: str, body) -> str:
    def short(value: object) -> str:
        if isinstance(value, FileStorage):
            return f"<file {value.filename!r}, {len(value.stream.getvalue())} bytes>"
        text = repr(value)
        return text if len(text) <= 80 else f"{text[:60]}... ({len(str(value))} chars)"

    fields = ", ".join(f"{name!r}={short(value)}" for name, value in body or [])
    who = role.value if role else "anonymous"
    return f"{who}: {method} {url}?{short(query)[1:-1]} [{fields}]"


def differences(before: dict[str, list[str]], after: dict[str, list[str]]) -> str:
    lines = []
    for table in before:
        gone = sorted(set(before[table]) - set(after[table]))
        new = sorted(set(after[table]) - set(before[table]))
        if gone or new:
            lines.append(f"{table}: -{[row[:200] for row in gone]} +{[row[:200] for row in new]}")
    return "\n".join(lines)


def fuzz(world: World, case: Case, data) -> None:
    role = data.draw(st.sampled_from(case.roles), label="role")
    client, token = world.client(role)
    url = fill(case.rule, path_values(world, case, data))
    query = data.draw(garbage.query(list(world.fields.of(case.endpoint, "GET"))), label="query")
    body = form_body(world, case, token, data) if case.method == "POST" else None
    multipart = case.endpoint in UPLOADS or (
        body is not None and data.draw(st.booleans(), label="multipart")
    )
    world.errors.records.clear()
    before = world.snapshot()
    kwargs: dict[str, object] = {"query_string": query}
    if multipart:
        # Encoded here, in memory: the test client would leave a large body's temporary
        # file open (a ResourceWarning, an error under filterwarnings = error).
        boundary, encoded = encode_multipart(MultiDict(body))
        kwargs.update(data=encoded, content_type=f'multipart/form-data; boundary="{boundary}"')
    elif body is not None:
        kwargs["data"] = MultiDict(body)
    response = client.open(url, method=case.method, **kwargs)
    response.get_data()  # a streamed file runs to its end
    response.close()
    what = describe(role, case.method, url, query, body)
    assert response.status_code < 500, f"{response.status_code} for {what}\n" + "\n".join(
        world.errors.records
    )
    if refused(case, response.status_code):
        after = world.snapshot()
        assert after == before, (
            f"refused with {response.status_code} but stored: {what}\n" + differences(before, after)
        )


# An accepted form redirects (POST, redirect, GET); a POST answered with the page itself
# (200) is the form shown again with its problems (or with a household row added or
# removed, nothing saved): refused like a 4xx.


def refused(case: Case, status: int) -> bool:
    if status >= 400:
        return True
    return case.method == "POST" and status == 200


COMMON = {
    # No shrinking: the world changes with every accepted request, so replaying a smaller
    # example is not the same experiment, and shrinking one failure took a minute. The
    # failure message spells out the request (role, method, URL, query, every field).
    "phases": [Phase.explicit, Phase.generate],
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


@pytest.fixture
def fresh(world):
    """Each route starts from the ids that exist now (the last route may have added some)."""
    world.refresh_ids()
    return world


@pytest.mark.parametrize("case", FAST, ids=str)
@settings(max_examples=EXAMPLES, **COMMON)
@given(data=st.data())
def test_garbage_never_fails_and_a_refusal_stores_nothing(fresh, case, data):
    fuzz(fresh, case, data)


@pytest.mark.parametrize("case", SLOW_CASES, ids=str)
@settings(max_examples=SLOW_EXAMPLES, **COMMON)
@given(data=st.data())
def test_garbage_never_breaks_a_file_download(fresh, case, data):
    fuzz(fresh, case, data)


def part(disposition: bytes, value: bytes = b"v") -> bytes:
    return b"--X\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + value + b"\r\n"


MULTIPART = "multipart/form-data; boundary=X"
URLENCODED = "application/x-www-form-urlencoded"
# Bodies no form sends: (what, body, content type). TOKEN stands for the session's CSRF token.
TOKEN = b"<token>"
MALFORMED = [
    ("a part without a name", part(b"form-data") + b"--X--\r\n", MULTIPART),
    ("a file without a name", part(b'form-data; filename="s.csv"') + b"--X--\r\n", MULTIPART),
    (
        "a valid token and a part without a name",
        part(b'form-data; name="csrf_token"', TOKEN) + part(b"form-data") + b"--X--\r\n",
        MULTIPART,
    ),
    ("a name that is not UTF-8", part(b'form-data; name="\xff\xfe"') + b"--X--\r\n", MULTIPART),
    ("no closing boundary", part(b'form-data; name="a"'), MULTIPART),
    ("a boundary that never comes", b"garbage\r\n", MULTIPART),
    ("no boundary at all", part(b'form-data; name="a"'), "multipart/form-data"),
    ("a part without headers", b"--X\r\n\r\nv\r\n--X--\r\n", MULTIPART),
    ("broken percent escapes", b"csrf_token=" + TOKEN + b"&a=%zz&%ff=%fe&&=&", URLENCODED),
    ("an unknown charset", b"csrf_token=" + TOKEN + b"&a=b", URLENCODED + "; charset=klingon"),
    ("JSON", b'{"csrf_token": null, "a": [1, {"b": 2}]}', "application/json"),
    ("broken JSON", b"{", "application/json"),
    ("bytes without a type", b"\x00\xff\xfe", ""),
]


def test_malformed_bodies_are_refused_without_a_500(world):
    """Every POST route, as a role that may use it, gets bodies no browser sends. Bodies
    without the CSRF token can only be refused, so the database is compared once for all of
    them; the others may be accepted, so each is compared on its own."""
    failures: dict[str, list[str]] = {}
    world.refresh_ids()

    def send(client, url: str, what: str, body: bytes, content_type: str) -> int:
        world.errors.records.clear()
        response = client.post(url, data=body, content_type=content_type)
        response.close()
        if response.status_code >= 500:
            error = (world.errors.records or ["no traceback logged"])[-1].strip()
            failures.setdefault(f"{what}: {error.splitlines()[-1]}", []).append(url)
        return response.status_code

    for case in CASES:
        if case.method != "POST":
            continue
        client, token = world.client(case.roles[0])
        first = {name: (world.ids.get(name) or ["x"])[0] for name in case.arguments}
        url = fill(case.rule, {**first, **({"kind": "medical_form"} if "kind" in first else {})})
        before = world.snapshot()
        answers = [
            send(client, url, what, body, content_type)
            for what, body, content_type in MALFORMED
            if TOKEN not in body
        ]
        if all(refused(case, status) for status in answers) and world.snapshot() != before:
            failures.setdefault("a body without a token was refused but stored", []).append(url)
        for what, body, content_type in MALFORMED:
            if TOKEN in body:
                before = world.snapshot()
                status = send(client, url, what, body.replace(TOKEN, token.encode()), content_type)
                if refused(case, status) and world.snapshot() != before:
                    failures.setdefault(f"{what}: refused but stored", []).append(url)
    if failures:
        posts = sum(case.method == "POST" for case in CASES)
        pytest.fail(
            "\n".join(
                f"{problem}: {len(urls)} of {posts} POST routes, e.g. POST {urls[0]}"
                for problem, urls in failures.items()
            ),
            pytrace=False,
        )


def test_the_snapshot_sees_a_changed_value(world):
    """The check "a refusal stores nothing" would pass vacuously if the snapshot missed
    updates: change one value of one row and put it back."""
    before = world.snapshot()
    with world.app.app_context():
        user = db.session.scalar(
            db.select(User).where(User.email == world.actors[Role.ADMIN].email)
        )
        email = user.email
        user.email = "changed@example.org"
        db.session.commit()
        changed = world.snapshot()
        user.email = email
        db.session.commit()
    assert changed != before
    assert world.snapshot() == before


def test_every_route_is_fuzzed(world):
    """The fuzzer covers the whole URL map, and the forms it fills were found on the pages."""
    covered = {(case.endpoint, case.method) for case in CASES}
    rules = {
        (rule.endpoint, method)
        for rule in world.app.url_map.iter_rules()
        for method in METHODS
        if rule.endpoint != "static" and method in rule.methods
    }
    assert covered == rules
    without_form = [
        str(case)
        for case in CASES
        if case.method == "POST" and (case.endpoint, "POST") not in world.fields.by_endpoint
    ]
    assert without_form == [], "no page offers a form for these: their fields are unknown"
