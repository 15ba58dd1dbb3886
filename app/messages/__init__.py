"""Messages to a group: staff write to an audience in English and German, see the recipients
before sending, send once; each message's delivery log; the unsubscribe link."""

from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/messages")

from app.messages import routes  # noqa: E402,F401
