"""Staff enrol students by hand and from a school's CSV list until the cohort is full; a
withdrawal moves the waitlist up; documents are ticked until nothing is missing."""

from playwright.sync_api import expect

from app.models import Role
from tests.conftest import PASSWORD, make_user

CSV = (
    "first_name,last_name,date_of_birth,gender,school,grade,guardian1_name,guardian1_relation,"
    "guardian1_phone,emergency1_name,emergency1_relation,emergency1_phone\n"
    "Mia,Wagner,14.02.2010,f,Goethe-Gymnasium,10,Eva Wagner,mother,+49 231 111111,"
    "Max Wagner,father,+49 171 222222\n"
    "Emir,Yilmaz,2009-09-30,m,Helmholtz-Gymnasium,11,Ayse Yilmaz,mother,+49 231 333333,"
    "Kemal Yilmaz,uncle,+49 176 444444\n"
)


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()


def enrol_new_student(page, first: str, last: str) -> str:
    page.get_by_role("link", name="Enroll a new student").click()  # the browser speaks en-US
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Date of birth").fill("2010-05-17")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("School").fill("Goethe-Gymnasium")
    page.get_by_label("Grade").fill("10")
    page.locator("#guardian1-name").fill(f"Anna {last}")
    page.locator("#guardian1-relation").fill("mother")
    page.locator("#guardian1-phone").fill("+49 231 123456")
    page.locator("#emergency1-name").fill(f"Paul {last}")
    page.locator("#emergency1-relation").fill("uncle")
    page.locator("#emergency1-phone").fill("+49 171 654321")
    with page.expect_navigation():  # the message read is the next page's
        page.get_by_role("button", name="Save student").click()
    return page.locator(".flashes").inner_text()


def test_staff_fill_a_cohort_and_the_waitlist_moves_up(app, page, tmp_path):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    log_in(page, "coordinator@example.org")

    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Buffalo spring 2027")
    page.get_by_label("Departure").fill("2027-01-25")
    page.get_by_label("Return").fill("2027-05-28")
    page.get_by_label("Places").fill("3")
    page.get_by_role("button", name="Save cohort").click()
    page.get_by_role("button", name="Set to “open”").click()
    expect(page.locator(".page-head .badge")).to_contain_text("open")

    assert "holds a place" in enrol_new_student(page, "Lena", "Schmidt")
    assert "holds a place" in enrol_new_student(page, "Jonas", "Becker")

    school_list = tmp_path / "goethe.csv"
    school_list.write_text(CSV, encoding="utf-8")
    page.get_by_role("link", name="Students", exact=True).click()
    page.get_by_role("link", name="Import a list (Excel or CSV)").click()
    page.get_by_label("Student list (Excel or CSV)", exact=True).set_input_files(str(school_list))
    page.get_by_label("Enroll in cohort").select_option(
        label="Buffalo spring 2027 (open, 1 of 3 places free)"
    )
    page.get_by_role("button", name="Upload and check").click()
    with page.expect_navigation():  # the facts read are the finished import's
        page.get_by_role("button", name="Import all 2 students").click()
    assert page.get_by_role("heading", name="Import finished").is_visible()
    result = page.locator("dl.facts").inner_text()
    assert "Students created\n2" in result
    assert "Enrolled with a place\n1" in result
    assert "On the waitlist\n1" in result

    page.get_by_role("link", name="Buffalo spring 2027").click()
    expect(page.get_by_role("region", name="At a glance")).to_contain_text("of 3 places taken")
    waitlist = page.get_by_role("region", name="Waitlist")
    expect(waitlist).to_contain_text("Emir Yilmaz")

    page.get_by_role("link", name="Becker, Jonas").click()
    page.get_by_role("link", name="Withdraw Jonas Becker…").click()
    page.get_by_label("Reason (optional)").fill("family reasons")
    page.get_by_role("button", name="Withdraw Jonas Becker").click()
    expect(page.locator(".flashes")).to_contain_text("Moved up from the waitlist: Emir Yilmaz.")

    with page.expect_navigation():  # no waitlist on the whole page, not on half of it
        page.get_by_role("link", name="Buffalo spring 2027").first.click()
    assert page.get_by_role("region", name="Waitlist").count() == 0
    with page.expect_navigation():  # the badge and the history read are Emir's
        page.get_by_role("link", name="Yilmaz, Emir").click()
    assert "applied" in page.locator(".page-head .badge").inner_text()
    assert "waitlisted → applied" in page.get_by_role("article").last.inner_text()

    for document in ("Medical form", "Insurance", "Passport / visa", "Code of conduct"):
        page.get_by_role("button", name=f"Mark “{document}” as received").click()
    page.get_by_label("Date signed").fill("2026-10-01")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("All documents are in.")).to_be_visible()

    page.get_by_role("link", name="Buffalo spring 2027").first.click()
    with page.expect_navigation():  # the whole checklist, not the part parsed so far
        page.get_by_role("link", name="students with documents missing").click()
    checklist = page.locator("table.checklist").inner_text()
    assert "Schmidt, Lena" in checklist
    assert "Yilmaz, Emir" not in checklist
