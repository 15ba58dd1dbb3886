"""The messages a person received, in their export and in their erasure: group messages (their
rows in the delivery logs, with the text as it was sent), the emails in the outbox, the notes
of reminders sent to their address, and their address among those that unsubscribed.

A person is named by the kind of recipient the delivery log knows ("guardian" or "user"),
their ids there, and their email addresses (a delivery row to one of them goes too, even if
the guardian's row was replaced since). Only flushes: the view or command commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, GroupMessage, MessageDelivery, MessageOptOut, SentReminder
from app.services.privacy.rows import plain, row

RECEIVED_FIELDS = ("status", "language", "name", "email", "recipient_kind", "recipient_id")
REMINDER_FIELDS = ("kind", "target_type", "target_id", "key", "recipient", "sent_at")


def _lowered(addresses: Iterable[str | None]) -> list[str]:
    return sorted({a.strip().lower() for a in addresses if a and a.strip()})


def _theirs(kind: str, ids: Iterable[int], addresses: Iterable[str | None]):
    """The person's delivery rows: by recipient, or by the address a row was sent to."""
    ids, emails = sorted(set(ids)), _lowered(addresses)
    conditions = []
    if ids:
        conditions.append(
            sa.and_(MessageDelivery.recipient_kind == kind, MessageDelivery.recipient_id.in_(ids))
        )
    if emails:
        conditions.append(sa.func.lower(MessageDelivery.email).in_(emails))
    return sa.or_(*conditions) if conditions else sa.false()


def _filled(text: str, name: str, cohort: Cohort | None) -> str:
    """A message's text as its recipient got it (group_messages fills {name} and {cohort})."""
    return text.replace("{name}", name).replace("{cohort}", cohort.name if cohort else "")


def received(kind: str, ids: Iterable[int], addresses: Iterable[str | None]) -> list[dict]:
    """Export: the group messages the person received (or could not be sent), oldest first,
    each with its subject and text in the language it was sent in, as sent."""
    rows = db.session.execute(
        sa.select(MessageDelivery, GroupMessage, Cohort)
        .join(GroupMessage, GroupMessage.id == MessageDelivery.message_id)
        .outerjoin(Cohort, Cohort.id == GroupMessage.cohort_id)
        .where(_theirs(kind, ids, addresses))
        .order_by(GroupMessage.sent_at, MessageDelivery.id)
    ).all()
    found = []
    for delivery, message, cohort in rows:
        german = delivery.language == "de"
        subject = message.subject_de if german else message.subject_en
        body = message.body_de if german else message.body_en
        found.append(
            {
                "message_id": message.id,
                "sent_at": plain(message.sent_at),
                "cohort": cohort.name if cohort else None,
                **row(delivery, RECEIVED_FIELDS),
                "subject": _filled(subject, delivery.name, cohort),
                "body": _filled(body, delivery.name, cohort),
            }
        )
    return found


def count_received(kind: str, ids: Iterable[int], addresses: Iterable[str | None]) -> int:
    """For the erasure page: how many group messages the person received (or could not be
    sent)."""
    query = sa.select(sa.func.count(MessageDelivery.id)).where(_theirs(kind, ids, addresses))
    return db.session.scalar(query) or 0


def reminders_to(addresses: Iterable[str | None]) -> list[dict]:
    """Export: the notes of reminders sent to the person's addresses."""
    emails = _lowered(addresses)
    if not emails:
        return []
    notes = db.session.scalars(
        sa.select(SentReminder)
        .where(sa.func.lower(SentReminder.recipient).in_(emails))
        .order_by(SentReminder.sent_at, SentReminder.id)
    )
    return [row(note, REMINDER_FIELDS) for note in notes]


def opted_out(addresses: Iterable[str | None]) -> list[dict]:
    """Export: the person's addresses that asked for no more group messages."""
    emails = _lowered(addresses)
    if not emails:
        return []
    found = db.session.scalars(sa.select(MessageOptOut).where(MessageOptOut.email.in_(emails)))
    return [row(opt_out) for opt_out in found]


def exported(kind: str, ids: list[int], addresses: list[str | None]) -> dict:
    """The parts of a person's export: the group messages they received, the notes of
    reminders sent to them, and whether they asked for no more group messages."""
    return {
        "group_messages": received(kind, ids, addresses),
        "reminders": reminders_to(addresses),
        "message_opt_outs": opted_out(addresses),
    }


def erase(kind: str, ids: Iterable[int], addresses: Iterable[str | None]) -> None:
    """Erasure: the person's rows in the delivery logs, their addresses among those that
    unsubscribed, and the notes of reminders sent to them. (The outbox emails to them or
    naming them go through privacy.delete_emails_about.)"""
    ids, emails = list(ids), _lowered(addresses)
    db.session.execute(
        sa.delete(MessageDelivery)
        .where(_theirs(kind, ids, emails))
        .execution_options(synchronize_session=False)
    )
    if emails:
        db.session.execute(sa.delete(MessageOptOut).where(MessageOptOut.email.in_(emails)))
        db.session.execute(
            sa.delete(SentReminder).where(sa.func.lower(SentReminder.recipient).in_(emails))
        )
