"""The people of `flask demo`: fictional Dortmund students and teachers, fictional host families
around Buffalo. Every name, address, phone number and email here is made up (phone numbers in
the 555-01xx range, emails at example.org/example.com); the schools and towns are real places.

Students are listed with the cohort they travel in ("travelling": the cohort abroad now, "open":
the one taking enrolments) and the family they live with, when placed. Families are listed
with the vetting step they have reached and the cohorts they offered to host."""

from __future__ import annotations

from dataclasses import dataclass, field

# One password for every demo account, printed by the command.
PASSWORD = "snowy-lakeshore-lantern"  # noqa: S105 (printed for fictional demo accounts)

STAFF = (
    ("admin@example.org", "admin"),
    ("coordinator@example.org", "coordinator"),
)
COORDINATOR_NAME = "Sabine Krüger"
# Cohorts are named after the month they leave in, as families read them (in English).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTHS += ("September", "October", "November", "December")
# What the command prints: a login for each role (role, email, what it shows).
LOGINS = (
    ("admin", "admin@example.org", "everything, and accounts"),
    ("coordinator", "coordinator@example.org", "cohorts, students, families, placements"),
    ("teacher", "teacher@example.org", "Katrin Vogel, lead teacher of the cohort abroad"),
    ("host family", "family@example.org", "the Kowalskis, hosting two students"),
    ("host family", "patel@example.com", "an application saved halfway"),
)


@dataclass(frozen=True)
class DemoTeacher:
    email: str
    name: str
    school: str
    phone: str
    languages: str
    # (cohort, role) it is assigned to
    assignments: tuple[tuple[str, str], ...]


TEACHERS = (
    DemoTeacher(
        "teacher@example.org",
        "Katrin Vogel",
        "Goethe-Gymnasium",
        "+49 231 5550 140",
        "German, English",
        (("travelling", "lead"),),
    ),
    DemoTeacher(
        "t.brandt@example.org",
        "Thomas Brandt",
        "Max-Planck-Gymnasium",
        "+49 231 5550 141",
        "German, English, French",
        (("travelling", "assistant"), ("open", "assistant")),
    ),
    DemoTeacher(
        "m.yilmaz@example.org",
        "Meltem Yılmaz",
        "Helmholtz-Gymnasium",
        "+49 231 5550 142",
        "German, English, Turkish",
        (("open", "lead"),),
    ),
)


@dataclass(frozen=True)
class DemoStudent:
    first: str
    last: str
    gender: str
    born: tuple[int, int, int]  # (years before this year, month, day)
    school: str
    grade: str
    cohort: str
    family: str = ""  # the family (by key) the student lives with
    diet: str = "none"
    allergies: str = ""
    pet_allergy: bool = False
    medical_notes: str = ""
    interests: str = ""
    visa: str = "esta_approved"
    guardian: tuple[str, str] = ("", "mother")
    contact: tuple[str, str] = ("", "aunt")


# fmt: off
STUDENTS = (
    # --- travelling: abroad now, everybody placed ---
    DemoStudent("Lena", "Becker", "female", (16, 3, 14), "Goethe-Gymnasium", "10", "travelling",
                "kowalski", interests="volleyball, photography", guardian=("Anja Becker", "mother"),
                contact=("Jörg Becker", "uncle")),
    DemoStudent("Jonas", "Wagner", "male", (16, 7, 2), "Max-Planck-Gymnasium", "11", "travelling",
                "kowalski", diet="vegetarian", interests="football, guitar",
                guardian=("Stefan Wagner", "father"), contact=("Petra Wagner", "grandmother")),
    DemoStudent("Mia", "Schulz", "female", (15, 11, 23), "Helmholtz-Gymnasium", "10", "travelling",
                "hoffman", allergies="Hazelnuts (carries an EpiPen)", interests="swimming, drama",
                guardian=("Claudia Schulz", "mother"), contact=("Uwe Schulz", "father")),
    DemoStudent("Emma", "Hoffmann", "female", (16, 1, 9), "Goethe-Gymnasium", "10", "travelling",
                "hoffman", interests="drawing, basketball", guardian=("Nicole Hoffmann", "mother"),
                contact=("Sven Hoffmann", "father")),
    DemoStudent("Luca", "Richter", "male", (16, 5, 30), "Stadtgymnasium Dortmund", "11",
                "travelling", "russo", pet_allergy=True, allergies="Cats and dogs",
                medical_notes="Asthma: inhaler as needed", interests="chess, robotics",
                guardian=("Martina Richter", "mother"), contact=("Klaus Richter", "grandfather")),
    DemoStudent("Paul", "Klein", "male", (15, 9, 17), "Max-Planck-Gymnasium", "10", "travelling",
                "russo", interests="hockey, cooking", guardian=("Andrea Klein", "mother"),
                contact=("Heike Klein", "aunt")),
    DemoStudent("Hannah", "Neumann", "female", (16, 12, 4), "Helmholtz-Gymnasium", "11",
                "travelling", "brennan", diet="lactose_free", interests="horse riding, piano",
                guardian=("Thomas Neumann", "father"), contact=("Ines Neumann", "mother")),
    DemoStudent("Ben", "Schwarz", "male", (16, 2, 21), "Goethe-Gymnasium", "11", "travelling",
                "washington", interests="track and field, film",
                guardian=("Sandra Schwarz", "mother"), contact=("Ralf Schwarz", "father")),
    # --- open: taking enrolments; the first ten are accepted ---
    DemoStudent("Sophie", "Krause", "female", (15, 4, 11), "Goethe-Gymnasium", "10", "open",
                "nowak", interests="tennis, reading", guardian=("Birgit Krause", "mother"),
                contact=("Dieter Krause", "grandfather")),
    DemoStudent("Marie", "Lange", "female", (15, 8, 27), "Max-Planck-Gymnasium", "10", "open",
                "nowak", diet="vegan", interests="dance, climate club",
                guardian=("Julia Lange", "mother"), contact=("Mark Lange", "father")),
    DemoStudent("Felix", "Zimmermann", "male", (16, 6, 5), "Helmholtz-Gymnasium", "11",
                "open", "oconnor", interests="handball, computer games",
                guardian=("Frank Zimmermann", "father"), contact=("Karin Zimmermann", "aunt")),
    DemoStudent("Leon", "Krüger", "male", (15, 10, 19), "Stadtgymnasium Dortmund", "10",
                "open", visa="esta_applied", interests="skateboarding, music",
                guardian=("Melanie Krüger", "mother"), contact=("Olaf Krüger", "father")),
    DemoStudent("Clara", "Hartmann", "female", (16, 1, 30), "Goethe-Gymnasium", "11", "open",
                "washington", diet="halal", interests="debating, badminton",
                guardian=("Aylin Hartmann", "mother"), contact=("Murat Hartmann", "father")),
    DemoStudent("Noah", "Werner", "male", (15, 3, 8), "Max-Planck-Gymnasium", "10", "open",
                visa="not_started", interests="baseball, science fair",
                guardian=("Silke Werner", "mother"), contact=("Bernd Werner", "uncle")),
    DemoStudent("Lina", "Schmitz", "female", (16, 9, 13), "Helmholtz-Gymnasium", "11", "open",
                diet="gluten_free", allergies="Coeliac disease: strictly gluten-free",
                interests="choir, hiking", guardian=("Tanja Schmitz", "mother"),
                contact=("Georg Schmitz", "grandfather")),
    DemoStudent("Elias", "Meier", "male", (16, 11, 2), "Goethe-Gymnasium", "11", "open",
                pet_allergy=True, allergies="Cats", interests="rowing, history",
                guardian=("Kerstin Meier", "mother"), contact=("Jan Meier", "father")),
    DemoStudent("Emilia", "Schmid", "female", (15, 5, 25), "Stadtgymnasium Dortmund", "10",
                "open", visa="esta_applied", interests="theatre, volunteering",
                guardian=("Ute Schmid", "mother"), contact=("Lars Schmid", "father")),
    DemoStudent("Finn", "Wolf", "male", (15, 12, 14), "Max-Planck-Gymnasium", "10", "open",
                visa="not_started", interests="cycling, photography",
                guardian=("Markus Wolf", "father"), contact=("Simone Wolf", "mother")),
    # applied, not yet accepted
    DemoStudent("Lea", "Braun", "female", (16, 2, 3), "Helmholtz-Gymnasium", "11", "open",
                visa="not_started", interests="art, volleyball",
                guardian=("Sabine Braun", "mother"), contact=("Thomas Braun", "father")),
    DemoStudent("Tim", "Hofmann", "male", (15, 7, 7), "Goethe-Gymnasium", "10", "open",
                visa="not_started", interests="football, drums",
                guardian=("Nadine Hofmann", "mother"), contact=("Rolf Hofmann", "grandfather")),
    # the cohort is full: these three wait; the first moves up when a place comes free
    DemoStudent("Anna", "Koch", "female", (15, 6, 16), "Max-Planck-Gymnasium", "10", "open",
                visa="not_started", interests="swimming, languages",
                guardian=("Kathrin Koch", "mother"), contact=("Bernd Koch", "father")),
    DemoStudent("David", "Bauer", "male", (16, 4, 28), "Stadtgymnasium Dortmund", "11", "open",
                visa="not_started", interests="basketball, coding",
                guardian=("Michael Bauer", "father"), contact=("Eva Bauer", "mother")),
    DemoStudent("Laura", "Fuchs", "female", (15, 10, 1), "Goethe-Gymnasium", "10", "open",
                visa="not_started", interests="singing, tennis",
                guardian=("Monika Fuchs", "mother"), contact=("Peter Fuchs", "father")),
)
# fmt: on
# The student of the open cohort who withdraws (her place goes to the first on the waitlist).
WITHDRAWS = ("Emilia", "Schmid")
ACCEPTED_IN_OPEN = 10  # the first ten students of the open cohort are accepted by the coordinator


@dataclass(frozen=True)
class DemoFamily:
    key: str
    email: str
    family_name: str
    status: str  # the vetting step reached (an ApplicationStatus value)
    cohorts: tuple[str, ...]
    address: str
    city: str
    postal_code: str
    phone: str
    high_school: str
    miles: float
    members: tuple[tuple[str, int, str], ...]
    beds: int = 1
    bedrooms: int = 4
    shared_room: bool = False
    gender_preference: str = "any"
    pets: str = ""
    diets: tuple[str, ...] = ("vegetarian",)
    languages: str = "English"
    interests: str = ""
    motivation: str = "We would love to share our home and learn about Germany."
    decision_note: str = ""
    references: tuple[tuple[str, str, str], ...] = field(default=())


# fmt: off
FAMILIES = (
    DemoFamily("kowalski", "family@example.org", "Kowalski", "approved", ("travelling", "open"),
               "48 Brantwood Road", "Amherst", "14226", "+1 716 555 0142",
               "Amherst Central High School", 1.2,
               (("Mark Kowalski", 47, "father"), ("Julie Kowalski", 45, "mother"),
                ("Ava Kowalski", 16, "daughter")),
               beds=2, bedrooms=5, diets=("vegetarian", "lactose_free"),
               languages="English, some Polish", interests="skiing, board games, Bills games",
               motivation="Our daughter spent a term in Dortmund; we want to give back."),
    DemoFamily("hoffman", "hoffman@example.com", "Hoffman", "approved", ("travelling",),
               "312 Quaker Road", "Orchard Park", "14127", "+1 716 555 0157",
               "Orchard Park High School", 2.8,
               (("Diane Hoffman", 52, "mother"), ("Grace Hoffman", 15, "daughter")),
               beds=2, bedrooms=3, shared_room=True, gender_preference="female",
               diets=("vegetarian", "gluten_free"), languages="English, German",
               interests="music, hiking, baking",
               motivation="My grandparents came from Westphalia; German is spoken at our table."),
    DemoFamily("russo", "russo@example.com", "Russo", "approved", ("travelling",),
               "95 Delaware Road", "Kenmore", "14217", "+1 716 555 0163",
               "Kenmore West High School", 0.9,
               (("Anthony Russo", 49, "father"), ("Maria Russo", 48, "mother"),
                ("Nick Russo", 17, "son"), ("Leo Russo", 14, "son")),
               beds=2, bedrooms=5, diets=(), interests="hockey, cooking, fishing",
               motivation="Two boys at home who cannot wait for an exchange brother."),
    DemoFamily("brennan", "brennan@example.com", "Brennan", "approved", ("travelling",),
               "17 Evans Street", "Williamsville", "14221", "+1 716 555 0171",
               "Williamsville East High School", 3.4,
               (("Kathleen Brennan", 44, "mother"), ("Siobhan Brennan", 16, "daughter")),
               pets="a friendly Labrador", diets=("lactose_free",),
               interests="horses, soccer, church choir"),
    DemoFamily("washington", "washington@example.com", "Washington", "approved",
               ("travelling", "open"), "204 Lexington Avenue", "Buffalo", "14222",
               "+1 716 555 0118", "City Honors School", 1.6,
               (("Denise Washington", 46, "mother"), ("Marcus Washington", 48, "father"),
                ("Jordan Washington", 16, "son")),
               pets="two cats", diets=("halal", "vegetarian"),
               interests="theatre, track and field, the Albright-Knox"),
    DemoFamily("nowak", "nowak@example.com", "Nowak", "approved", ("open",),
               "66 Oakwood Avenue", "East Aurora", "14052", "+1 716 555 0185",
               "East Aurora High School", 2.1,
               (("Peter Nowak", 50, "father"), ("Ewa Nowak", 49, "mother")),
               beds=2, bedrooms=4, diets=("vegan", "vegetarian"),
               interests="tennis, gardening, reading",
               motivation="Our children have left home and we have two rooms to share."),
    DemoFamily("oconnor", "oconnor@example.com", "O'Connor", "approved", ("open",),
               "9 Pleasant Avenue", "Hamburg", "14075", "+1 716 555 0129",
               "Hamburg High School", 1.1,
               (("Sean O'Connor", 43, "father"), ("Megan O'Connor", 41, "mother"),
                ("Liam O'Connor", 15, "son")),
               interests="handball, video games, camping"),
    DemoFamily("lindqvist", "lindqvist@example.com", "Lindqvist", "home_visited", ("open",),
               "5120 Main Street", "Clarence", "14031", "+1 716 555 0193",
               "Clarence High School", 4.0,
               (("Erik Lindqvist", 55, "father"), ("Helen Lindqvist", 53, "mother")),
               interests="sailing, cross-country skiing"),
    DemoFamily("baker", "baker@example.com", "Baker", "background_cleared", ("open",),
               "1870 Whitehaven Road", "Grand Island", "14072", "+1 716 555 0136",
               "Grand Island High School", 2.5,
               (("Rachel Baker", 39, "mother"), ("Owen Baker", 14, "son")),
               pets="a cat", interests="kayaking, comics"),
    DemoFamily("fischer", "fischer@example.com", "Fischer", "references_checked", ("open",),
               "27 Aurora Street", "Lancaster", "14086", "+1 716 555 0147",
               "Lancaster High School", 1.9,
               (("Gary Fischer", 58, "father"), ("Linda Fischer", 56, "mother")),
               languages="English, German", interests="polka band, bowling"),
    DemoFamily("garcia", "garcia@example.com", "Garcia", "submitted", ("open",),
               "140 Kenmore Avenue", "Tonawanda", "14150", "+1 716 555 0152",
               "Tonawanda High School", 0.7,
               (("Luis Garcia", 42, "father"), ("Ana Garcia", 40, "mother"),
                ("Sofia Garcia", 16, "daughter")),
               languages="English, Spanish", interests="salsa, soccer, cooking"),
    DemoFamily("murphy", "murphy@example.com", "Murphy", "submitted", ("open",),
               "33 Center Road", "West Seneca", "14224", "+1 716 555 0165",
               "West Seneca East High School", 2.2,
               (("Brian Murphy", 51, "father"), ("Colleen Murphy", 50, "mother")),
               pets="a dog", interests="football, fishing"),
    DemoFamily("thompson", "thompson@example.com", "Thompson", "declined", ("open",),
               "410 Locust Street", "Lockport", "14094", "+1 716 555 0174",
               "Lockport High School", 5.5,
               (("Greg Thompson", 61, "father"),),
               interests="woodworking",
               decision_note="The family moves house in the spring and asked to apply later."),
    DemoFamily("patel", "patel@example.com", "Patel", "draft", ("open",),
               "58 Cleveland Drive", "Cheektowaga", "14225", "+1 716 555 0188",
               "", 0.0, (("Priya Patel", 41, "mother"),),
               languages="English, Gujarati", interests="cricket, science"),
)
# fmt: on

REFERENCES = (
    ("Carol Jensen", "neighbor", "+1 716 555 0101"),
    ("Pastor Dave Miller", "pastor", "+1 716 555 0102"),
    ("Ms. Rivera", "teacher", "+1 716 555 0103"),
    ("Tom Schultz", "coach", "+1 716 555 0104"),
)
