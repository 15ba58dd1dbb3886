"""axe-core (tests/browser/vendor/axe.min.js) on every main page, as the role that uses it, in
English and German, each on a 1280 px desktop and on a 390 × 844 phone (the phone gets the
menu button and the tables turned into cards), with a failed submit among them. Any serious or
critical violation fails, named by rule and element, and so do a page without an h1 and
headings that skip a level (moderate in axe, but they are how screen-reader users find their
way through a page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.extensions import db
from app.models import Enrolment, HistoryEvent, HostApplication, Role
from tests.conftest import PASSWORD, make_user
from tests.factories import FAMILY_PASSWORD, TEACHER_PASSWORD, make_application, make_vetted_family
from tests.rosters.data import build

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# The phone's two are checked in test_accessibility_phone.py: another file, so that pytest-xdist
# (--dist loadfile) may run the two halves side by side.
DESKTOPS = [("en", DESKTOP, False), ("de", DESKTOP, False)]
PHONES = [("en", PHONE, True), ("de", PHONE, True)]
RUN_AXE = """async () => {
  const ALSO = ["page-has-heading-one", "heading-order"];
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => ["serious", "critical"].includes(v.impact) || ALSO.includes(v.id))
    .map((v) => {
      const where = v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ");
      return `${v.id} (${v.impact}): ${where}`;
    });
}"""


def the_world(app) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """A programme year with one of everything; the accounts (email, password) of each role
    and the pages each of them is checked on."""
    roster = build(app)
    cohort = roster.cohort_id
    make_user(app, "admin@example.org", Role.ADMIN)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    make_application(app, "family@example.org", submitted=False, cohort_ids=[cohort])
    vetting = make_vetted_family(app, [cohort], "references_checked", family_name="Vetting")
    with app.app_context():
        db.session.add_all(
            [
                HistoryEvent(year=1950, title_en="Twinned", title_de="Verschwistert", text_en="-",
                             text_de="-"),
                HistoryEvent(year=date.today().year, title_en="Now", title_de="Jetzt", text_en="-",
                             text_de="-", ongoing=True),
            ]
        )  # fmt: skip
        db.session.commit()
    enrolment = roster.enrolments["Becker"]
    placed = roster.families["Miller"]
    with app.app_context():
        student = db.session.get(Enrolment, enrolment).student_id
        family = db.session.get(HostApplication, placed).family_id
    teacher = roster.teachers["Anna Lehmann"]
    accounts = {
        "anonymous": ("", ""),
        "coordinator": ("coordinator@example.org", PASSWORD),
        "admin": ("admin@example.org", PASSWORD),
        "teacher": (roster.teacher_emails["Anna Lehmann"], TEACHER_PASSWORD),
        "family": ("family@example.org", FAMILY_PASSWORD),
    }
    pages = {
        "anonymous": ["/", "/login", "/login#submit", "/family/signup#submit", "/password/forgot"],
        "coordinator": [
            "/dashboard",
            "/cohorts/",
            f"/cohorts/{cohort}",
            "/cohorts/new#submit",
            f"/cohorts/{cohort}/documents",
            f"/enrolments/{enrolment}",
            "/students/",
            f"/students/{student}",
            f"/students/new?cohort={cohort}",
            "/students/import",
            "/vetting/",
            f"/vetting/{vetting}",
            f"/placements/cohorts/{cohort}",
            f"/rosters/cohorts/{cohort}",
            f"/rosters/cohorts/{cohort}/print",
            f"/rosters/cohorts/{cohort}/cards",
            f"/rosters/cohorts/{cohort}/families",
            "/teachers/",
            f"/teachers/cohorts/{cohort}",
            f"/teachers/{teacher}/edit",
            "/account/",
        ],
        "admin": [
            "/admin/users",
            "/admin/audit",
            "/admin/privacy/",
            f"/admin/privacy/students/{student}",
            f"/admin/privacy/families/{family}",
            "/history/",
        ],
        "teacher": ["/teachers/me", f"/teachers/me/cohorts/{cohort}"],
        "family": ["/family/", "/family/application"],
    }
    return accounts, pages


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():  # the next page has loaded, not just begun to
        page.locator("main form [type=submit]").click()
    assert page.url.rstrip("/").split("/")[-1] != "login", f"{email} could not log in"


def open_state(page, url: str) -> None:
    """Open the page; "#submit" after it: then press its form's last button, empty. A page
    opened plainly shows no error summary (its forms were not submitted)."""
    path, _, state = url.partition("#")
    page.goto(path)
    if state == "submit":
        with page.expect_navigation():  # counted on the answer, not on the page leaving
            page.locator("main form").last.locator("[type=submit]").last.click()
    summaries = page.locator("#error-summary").count()
    assert summaries == (1 if state == "submit" else 0), f"{url}: {summaries} error summaries"


def test_no_serious_or_critical_violation_on_the_main_pages(app, browser, live_server):
    check_every_page(app, browser, live_server, DESKTOPS)


def check_every_page(app, browser, live_server, setups) -> None:
    """axe on every page of `pages`, in each (language, viewport, touch) of `setups`."""
    accounts, pages = the_world(app)
    axe = AXE.read_text(encoding="utf-8")
    found: list[str] = []
    checked = 0
    for language, viewport, touch in setups:
        for role, urls in pages.items():
            context = browser.new_context(
                base_url=live_server, locale="en-US", viewport=viewport, has_touch=touch
            )
            context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
            context.add_init_script(axe)
            context.set_default_timeout(10_000)
            page = context.new_page()
            try:
                if accounts[role][0]:
                    log_in(page, *accounts[role])
                for url in urls:
                    open_state(page, url)
                    assert page.evaluate("document.documentElement.lang") == language
                    found.extend(
                        f"{url} [{language}, {viewport['width']} px, {role}] {violation}"
                        for violation in page.evaluate(RUN_AXE)
                    )
                    checked += 1
            finally:
                context.close()
    assert checked == len(setups) * sum(map(len, pages.values()))
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
