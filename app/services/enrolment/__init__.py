"""enrolment"""
