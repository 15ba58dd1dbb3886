"""Locust users for the load test: coordinators, host families and teachers doing a realistic
mix of reads and writes through the real pages and forms (CSRF tokens included).

Run by bench/load.py, which seeds the database and passes files in the environment:
LOAD_WORLD (JSON: accounts, cohorts), LOAD_JOURNAL (JSON lines this file appends to: every
write a user attempted and every write the application accepted, checked in the database
afterwards) and LOAD_STATS (prefix of the final statistics, CSV). Any 5xx, "database is
locked" in a page, unexpected 4xx, lost login or form error is a failure; outcomes the
application announces (a full cohort, a bed taken meanwhile) are not.
"""
# ruff: noqa: S311 (random choices of a simulated user, not secrets)

from __future__ import annotations

import csv
import http.cookiejar
import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

WORLD = json.loads(open(os.environ["LOAD_WORLD"], encoding="utf-8").read())  # noqa: SIM115
JOURNAL = open(os.environ["LOAD_JOURNAL"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115
PASSWORD = WORLD["password"]
COHORT_IDS = [cohort["id"] for cohort in WORLD["cohorts"]]
# The production configuration marks cookies Secure. The test talks plain HTTP to 127.0.0.1
# (in production TLS ends at the proxy), so the client sends Secure cookies there anyway, as
# browsers do for localhost. requests builds a fresh cookie jar for every request and
# redirect, so the rule is changed for the policy class of this process.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda _self, _cookie, _request: True
_counters = {kind: itertools.count() for kind in ("staff", "families", "teachers")}

# LOAD_THINK=0: the capacity run, users send their next request as soon as the last is
# answered; else they think 1–4 s between actions.
THINK = os.environ.get("LOAD_THINK", "1") != "0"
# Every request's time at the client (name, ms), for percentiles over any set of requests.
_times_file = os.environ.get("LOAD_TIMES")
TIMES = open(_times_file, "a", buffering=1, encoding="utf-8") if _times_file else None  # noqa: SIM115

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCKED = "database is locked"


@events.init.add_listener
def _keep_environment(environment, **_kwargs) -> None:
    _final["environment"] = environment


@events.quit.add_listener
def _write_final_stats(**_kwargs) -> None:
    """Locust's --csv files are rewritten once a second and can miss the last requests; these
    are written after every user has stopped (LOAD_STATS: the files' prefix)."""
    prefix = os.environ.get("LOAD_STATS")
    if not prefix or "environment" not in _final:
        return
    writer = StatsCSV(_final["environment"], PERCENTILES_TO_REPORT)
    for suffix, write in (("stats", writer.requests_csv), ("failures", writer.failures_csv)):
        with open(f"{prefix}_{suffix}.csv", "w", newline="", encoding="utf-8") as file:
            write(csv.writer(file))


_final: dict = {}


@events.request.add_listener
def _keep_time(request_type, name, response_time, exception, **_kwargs) -> None:
    if TIMES is not None and request_type != "CHECK":
        failed = int(exception is not None)
        TIMES.write(f"{request_type} {name}\t{response_time:.1f}\t{failed}\t{time.time():.3f}\n")


def journal(kind: str, **data) -> None:
    """One line per attempted or accepted write (gevent: a line is written whole)."""
    JOURNAL.write(json.dumps({"kind": kind, "at": time.time(), **data}) + "\n")


def next_account(kind: str):
    accounts = WORLD[kind]
    return accounts[next(_counters[kind]) % len(accounts)]


def token() -> str:
    """A unique word of letters (names are checked as text; digits would do, letters read
    better in the pages)."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10]).capitalize()


class Forms(HTMLParser):
    """The forms of a page as a browser would submit them: action, fields (name, value)
    and, for selects, the options with their optgroup and whether they are disabled."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._textarea: list | None = None
        self._optgroup = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": [], "selects": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append([name, a.get("value", "on")])
            else:
                form["fields"].append([name, a.get("value", "")])
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
            form["selects"][a["name"]] = self._select
        elif tag == "optgroup":
            self._optgroup = a.get("label", "")
        elif tag == "option" and self._select is not None:
            self._select["options"].append(
                {
                    "value": a.get("value", ""),
                    "selected": "selected" in a,
                    "disabled": "disabled" in a,
                    "group": self._optgroup,
                }
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            form["fields"].append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = [o["value"] for o in select["options"] if o["selected"]]
            if not chosen and not select["multiple"] and select["options"]:
                chosen = [select["options"][0]["value"]]
            self.forms[-1]["fields"].extend([select["name"], v] for v in chosen)
        elif tag == "optgroup":
            self._optgroup = ""
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def find(self, action_part: str) -> dict | None:
        return next((f for f in self.forms if action_part in f["action"]), None)

    def with_field(self, name: str) -> dict | None:
        return next((f for f in self.forms if any(n == name for n, _v in f["fields"])), None)


def form_data(form: dict, **overrides: str) -> list[tuple[str, str]]:
    """The form's fields with some values replaced (names given with - as in the page)."""
    fields = [(name, value) for name, value in form["fields"] if name not in overrides]
    return fields + list(overrides.items())


def flash_messages(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, flags=re.S)
    ]


class AppUser(HttpUser):
    """Logs in once through the login form; every request goes through checked()."""

    abstract = True
    wait_time = between(1, 4) if THINK else constant(0)
    account_kind = ""

    def on_start(self) -> None:
        self.account = next_account(self.account_kind)
        self.csrf = ""
        self.login()

    # Requests ------------------------------------------------------------------------------

    def checked(self, method: str, url: str, name: str, expect_path: str | None = None, **kw):
        """Send a request; a failure is any 5xx, unexpected 4xx, "database is locked", a trip
        (back) to the login page or a form the application refused. Returns (response, ok)."""
        allowed = kw.pop("allowed", ())
        logging_in = kw.pop("logging_in", False)
        with self.client.request(method, url, name=name, catch_response=True, **kw) as response:
            text = response.text or ""
            path = urlsplit(response.url or "").path
            problem = None
            if response.status_code >= 500 or response.status_code == 0:
                problem = f"HTTP {response.status_code}"
            elif LOCKED in text:
                problem = "database is locked shown to a person"
            elif response.status_code >= 400 and response.status_code not in allowed:
                problem = f"HTTP {response.status_code}"
            elif path == "/login" and (logging_in or not url.startswith("/login")):
                problem = "login refused" if logging_in else "sent back to the login page"
            elif expect_path is not None and path != expect_path:
                problem = f"landed on {path}, expected {expect_path}: {flash_messages(text)}"
            if problem:
                response.failure(problem)
            else:
                response.success()
                match = CSRF_RE.search(text)
                if match:
                    self.csrf = match.group(1)
            return response, problem is None

    def login(self) -> None:
        self.checked("GET", "/login", "login page")
        self.checked(
            "POST",
            "/login",
            "login",
            logging_in=True,
            data={"csrf_token": self.csrf, "email": self.account["email"], "password": PASSWORD},
        )

    def fail_named(self, name: str, message: str) -> None:
        """Count a failure found in a response that was already judged (its content)."""
        self.environment.events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            response=None,
            exception=AssertionError(message),
            context={},
        )


class Staff(AppUser):
    """A coordinator: dashboard, cohort pages, search, enrolling new students, withdrawing
    some, placing students with families, roster downloads."""

    weight = 3
    account_kind = "staff"

    def on_start(self) -> None:
        super().on_start()
        self.mine: list[dict] = []  # students this user created: name, cohort, enrolment id

    @task(3)
    def dashboard(self) -> None:
        self.checked("GET", "/dashboard", "/dashboard")

    @task(3)
    def cohort_page(self) -> None:
        cohort_id = random.choice(COHORT_IDS)
        self.checked("GET", f"/cohorts/{cohort_id}", "/cohorts/[id]")

    @task(2)
    def search(self) -> None:
        """Search by name; a student this user created must be found (read your writes)."""
        self.checked("GET", "/students/", "/students/")
        own = random.choice(self.mine) if self.mine else None
        words = own["last_name"] if own else random.choice(["Student", "Lena", "Goethe"])
        response, ok = self.checked(
            "POST",
            "/students/",
            "/students/ search",
            expect_path="/students/",
            data={"csrf_token": self.csrf, "q": words},
        )
        if ok and own and own["last_name"] not in response.text:
            self.fail_named("/students/ search", f"created student {words} not found")

    @task(3)
    def enrol_new_student(self) -> None:
        cohort_id = random.choice(COHORT_IDS)
        url = f"/students/new?cohort={cohort_id}"
        response, ok = self.checked("GET", url, "/students/new")
        form = Forms(response.text).with_field("first_name") if ok else None
        if form is None:
            self.fail_named("/students/new", "no student form")
            return
        first, last = "Load", token()
        data = form_data(
            form,
            first_name=first,
            last_name=last,
            date_of_birth=date(date.today().year - 15, 3, 14).isoformat(),
            gender=random.choice(["female", "male"]),
            school="Goethe-Gymnasium",
            grade="10",
            phone="+49 231 123456",
            **{
                "guardian1-name": f"Maria {last}",
                "guardian1-relation": "mother",
                "guardian1-phone": "+49 231 654321",
                "emergency1-name": "Onkel Otto",
                "emergency1-relation": "uncle",
                "emergency1-phone": "+49 231 777777",
                "submit": "Save student",
            },
        )
        journal("enrol_attempt", last_name=last, cohort_id=cohort_id)
        response, ok = self.checked(
            "POST", url, "/students/new POST", expect_path=f"/cohorts/{cohort_id}", data=data
        )
        if not ok:
            return
        flashes = " ".join(flash_messages(response.text))
        if "holds a place" in flashes:
            outcome = "place"
        elif "on the waitlist at position" in flashes:
            outcome = "waitlist"
        else:
            self.fail_named("/students/new POST", f"no enrolment message: {flashes!r}")
            return
        match = re.search(rf'href="/enrolments/(\d+)">{last}, {first}</a>', response.text)
        enrolment_id = int(match.group(1)) if match else None
        if enrolment_id is None:
            self.fail_named("/students/new POST", "new enrolment not on the cohort page")
            return
        student = {"last_name": last, "cohort_id": cohort_id, "enrolment_id": enrolment_id}
        self.mine.append(student)
        journal("enrol", outcome=outcome, **student)

    @task(1)
    def withdraw_own(self) -> None:
        """Withdraw one of the students this user enrolled (a place frees up, the waitlist
        moves up)."""
        candidates = [s for s in self.mine if not s.get("withdrawn")]
        if not candidates:
            return
        student = random.choice(candidates)
        enrolment_id = student["enrolment_id"]
        self.checked("GET", f"/enrolments/{enrolment_id}", "/enrolments/[id]")
        # The withdrawal goes through its confirmation page, as a coordinator's would.
        self.checked("GET", f"/enrolments/{enrolment_id}/withdraw", "/enrolments/[id]/withdraw")
        journal("withdraw_attempt", enrolment_id=enrolment_id)
        response, ok = self.checked(
            "POST",
            f"/enrolments/{enrolment_id}/withdraw",
            "/enrolments/[id]/withdraw confirm",
            expect_path=f"/enrolments/{enrolment_id}",
            data={"csrf_token": self.csrf, "reason": "load test"},
        )
        if not ok:
            return
        flashes = " ".join(flash_messages(response.text))
        if "was withdrawn" not in flashes:
            self.fail_named("/enrolments/[id]/withdraw confirm", f"refused: {flashes!r}")
            return
        student["withdrawn"] = True
        journal("withdraw", enrolment_id=enrolment_id)

    @task(2)
    def place_student(self) -> None:
        """Place an unplaced student with a family that fits every rule, as chosen on the
        board. A bed or student taken meanwhile is refused with a message: expected."""
        cohort_id = random.choice(COHORT_IDS)
        response, ok = self.checked("GET", f"/placements/cohorts/{cohort_id}", "/placements/[id]")
        if not ok:
            return
        candidates = []
        for form in Forms(response.text).forms:
            if not form["action"].endswith("/place"):
                continue
            select = form["selects"].get("application_id")
            fitting = [
                o["value"]
                for o in (select or {}).get("options", [])
                if o["value"] and not o["disabled"] and o["group"] == "Fit every rule"
            ]
            if fitting:
                candidates.append((form, fitting))
        if not candidates:
            return
        form, fitting = random.choice(candidates)
        fields = dict(form["fields"])
        enrolment_id, application_id = fields["enrolment_id"], random.choice(fitting)
        journal("place_attempt", enrolment_id=int(enrolment_id), application_id=int(application_id))
        response, ok = self.checked(
            "POST",
            form["action"],
            "/placements/[id]/place",
            allowed=(409,),
            data={
                "csrf_token": fields["csrf_token"],
                "enrolment_id": enrolment_id,
                "application_id": application_id,
            },
        )
        if not ok:
            return
        flashes = " ".join(flash_messages(response.text))
        if response.status_code == 200 and " is placed with " in flashes:
            journal("place", enrolment_id=int(enrolment_id), application_id=int(application_id))
        elif response.status_code == 409 and 'id="refusal"' in response.text:
            journal("place_refused", enrolment_id=int(enrolment_id), why="rules")
        elif "placed meanwhile" in flashes or "already placed" in flashes:
            journal("place_refused", enrolment_id=int(enrolment_id), why=flashes)
        else:
            self.fail_named("/placements/[id]/place", f"unexpected answer: {flashes!r}")

    @task(2)
    def roster_csv(self) -> None:
        cohort_id = random.choice(COHORT_IDS)
        self.checked("GET", f"/rosters/cohorts/{cohort_id}", "/rosters/[id]")
        response, ok = self.checked(
            "GET", f"/rosters/cohorts/{cohort_id}/roster.csv", "/rosters/[id]/roster.csv"
        )
        if ok and not response.headers.get("Content-Type", "").startswith("text/csv"):
            self.fail_named("/rosters/[id]/roster.csv", "not a CSV file")
        elif ok:
            journal("roster_csv", email=self.account["email"], cohort_id=cohort_id)


class Family(AppUser):
    """A host family: its portal; a family in vetting edits and saves its application."""

    weight = 2
    account_kind = "families"

    @task(3)
    def portal(self) -> None:
        self.checked("GET", "/family/", "/family/")

    @task(2)
    def edit_application(self) -> None:
        if not self.account["editable"]:
            return
        url = "/family/application/household"  # the section with the family's motivation
        response, ok = self.checked("GET", url, url)
        form = Forms(response.text).find(url) if ok else None
        if form is None:
            self.fail_named(url, "no application form")
            return
        word = token()
        motivation = f"We would love to share our home. Load {word}."
        data = form_data(form, motivation=motivation, save="1")
        journal("family_save_attempt", application_id=self.account["application_id"], word=word)
        response, ok = self.checked("POST", url, f"{url} POST", expect_path="/family/", data=data)
        if ok and "Your changes are saved." in " ".join(flash_messages(response.text)):
            journal("family_save", application_id=self.account["application_id"], word=word)
        elif ok:
            self.fail_named(f"{url} POST", "saved without its message")


class Teacher(AppUser):
    """A supervising teacher: the portal and the roster of their cohort."""

    weight = 1
    account_kind = "teachers"

    @task(2)
    def portal(self) -> None:
        self.checked("GET", "/teachers/me", "/teachers/me")

    @task(1)
    def cohort_roster(self) -> None:
        cohort_id = self.account["cohort_id"]
        self.checked("GET", f"/teachers/me/cohorts/{cohort_id}", "/teachers/me/cohorts/[id]")
        self.checked("GET", f"/rosters/cohorts/{cohort_id}", "/rosters/[id] (teacher)")


class Bare(AppUser):
    """The capacity run's floor: a coordinator asking for the bare route (bench/wsgi.py)
    through the same stack, as fast as answers come. Only run when named on the command
    line (bench/load.py names the other classes for the normal run)."""

    account_kind = "staff"

    @task
    def bare(self) -> None:
        self.checked("GET", "/bench/bare", "/bench/bare")
