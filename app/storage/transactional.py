"""Files that follow the database's transaction, for services: a file added for a row that is
rolled back is removed again, and a file deleted with its row goes only once the deletion is
committed. So a rolled-back request never leaves the database naming a file that is gone, and
leaves no file that no row names.

    key = transactional.add(checked.content, prefix=f"enrolments/{enrolment.id}")
    transactional.delete(document.key)                     # with the row
    transactional.delete_all(f"enrolments/{enrolment.id}")  # erasure of an enrolment's files

They work on the application's storage (`storage.current()`) and the session `db.session`
(or the one given)."""

from __future__ import annotations

import logging
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.storage import Storage, check_key, check_prefix, current

log = logging.getLogger(__name__)
ADDED, DELETED = "storage.added", "storage.deleted"


def add(content: bytes | BinaryIO, prefix: str = "", session: Session | None = None) -> str:
    """Store content now under a new key (returned); removed again if the transaction is
    rolled back."""
    files = current()
    key = files.add(content, prefix)
    _pending(session, ADDED).append((files, key))
    return key


def delete(key: str, session: Session | None = None) -> None:
    """Remove the file once the transaction commits (nothing happens on a rollback)."""
    _pending(session, DELETED).append((current(), check_key(key), False))


def delete_all(prefix: str, session: Session | None = None) -> None:
    """Remove every file under prefix once the transaction commits."""
    if not check_prefix(prefix):
        raise ValueError("delete_all needs a prefix; it never empties the whole storage.")
    _pending(session, DELETED).append((current(), check_prefix(prefix).rstrip("/"), True))


def _pending(session: Session | None, name: str) -> list:
    session = session if session is not None else db.session()
    if not session.in_transaction():
        session.begin()  # so that its end is seen even if nothing else is written
    return session.info.setdefault(name, [])


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(ADDED, None)  # kept
    for files, name, whole_prefix in session.info.pop(DELETED, []):
        _quietly(files, name, whole_prefix)


@sa.event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint within the transaction
        return
    session.info.pop(DELETED, None)  # not committed: the rows and their files stay
    for files, key in session.info.pop(ADDED, []):
        _quietly(files, key, False)


def _quietly(files: Storage, name: str, whole_prefix: bool) -> None:
    """The database has committed; a storage that fails now is logged (with the key, which
    names nobody), not raised."""
    try:
        if whole_prefix:
            files.delete_all(name)
        else:
            files.delete(name)
    except Exception:
        log.exception("Could not remove %s from %r; remove it by hand.", name, files)
