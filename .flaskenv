# Read by `flask` (python-dotenv) when run from this directory: every command the README and
# `make run` print works as typed. The application factory picks the configuration from
# AUSTAUSCH_ENV (development when unset); wsgi.py, which gunicorn serves, is always production.
# Variables set in the environment win over this file.
FLASK_APP=app:create_app
