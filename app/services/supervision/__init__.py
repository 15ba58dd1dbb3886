"""Supervising teachers: accounts, assignment to cohorts, splitting students among them, and
what a teacher sees of their own cohorts."""
