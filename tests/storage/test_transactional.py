"""Files that follow the database's transaction: added files go again on a rollback, deleted
files go only on a commit."""

from __future__ import annotations

import logging

import pytest

from app import storage
from app.extensions import db
from app.models import HistoryEvent
from app.storage import transactional


@pytest.fixture
def files_app(app_factory, tmp_path):
    app = app_factory(STORAGE_FOLDER=str(tmp_path / "files"))
    with app.app_context():
        yield app


def stored() -> set[str]:
    return set(storage.current().keys(prefix=""))


def a_row() -> None:
    """A write in the same transaction as the file (what the document's row will be)."""
    db.session.add(HistoryEvent(year=1999, title_en="F", title_de="D", text_en="", text_de=""))
    db.session.flush()


def test_an_added_file_stays_when_the_transaction_commits(files_app):
    key = transactional.add(b"scan", prefix="enrolments/1")
    a_row()
    db.session.commit()
    assert stored() == {key}
    db.session.rollback()  # a later transaction's end does not touch it
    assert storage.current().read(key) == b"scan"


def test_an_added_file_goes_again_when_the_transaction_rolls_back(files_app):
    kept = storage.current().add(b"older", prefix="enrolments/1")
    transactional.add(b"scan", prefix="enrolments/1")
    a_row()
    db.session.rollback()
    assert stored() == {kept}


def test_an_added_file_goes_when_the_session_closes_without_a_commit(files_app):
    transactional.add(b"scan", prefix="enrolments/1")
    db.session.remove()
    assert stored() == set()


def test_a_savepoint_does_not_end_the_transaction(files_app):
    key = transactional.add(b"scan", prefix="enrolments/1")
    with db.session.begin_nested():
        a_row()
    db.session.commit()
    assert stored() == {key}


def test_a_deleted_file_goes_only_when_the_deletion_commits(files_app):
    files = storage.current()
    key, other = files.add(b"a", prefix="enrolments/1"), files.add(b"b", prefix="enrolments/2")
    transactional.delete(key)
    db.session.rollback()
    assert stored() == {key, other}

    transactional.delete(key)
    assert stored() == {key, other}  # not before the commit
    db.session.commit()
    assert stored() == {other}


def test_delete_all_removes_an_owner_s_files_on_commit(files_app):
    files = storage.current()
    mine = {files.add(b"a", prefix="enrolments/1"), files.add(b"b", prefix="enrolments/1/x")}
    other = files.add(b"c", prefix="enrolments/12")
    transactional.delete_all("enrolments/1")
    assert stored() == mine | {other}
    db.session.commit()
    assert stored() == {other}
    with pytest.raises(ValueError, match="needs a prefix"):
        transactional.delete_all("")


def test_a_storage_failing_after_the_commit_is_logged_not_raised(files_app, caplog):
    class Broken(type(storage.current())):
        def delete(self, key):
            raise OSError("disk gone")

    files_app.extensions[storage.EXTENSION] = Broken(storage.current().root)
    transactional.delete("enrolments/1/abc")
    with caplog.at_level(logging.ERROR):
        db.session.commit()
    assert "Could not remove enrolments/1/abc" in caplog.text
