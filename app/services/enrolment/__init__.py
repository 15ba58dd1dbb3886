"""Students into cohorts: cohorts and their states, students with guardians and care data,
enrolments with places and the waitlist, documents and consents, the CSV import."""
