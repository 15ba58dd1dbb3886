"""The storage layer: the same tests on the folder and on the S3-compatible server."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys

import pytest

from app import create_app
from app import storage as storage_layer
from app.storage import FileMissing, InvalidKey
from app.storage.folder import FolderStorage
from app.storage.s3 import S3Storage
from config import TestingConfig

BINARY = bytes(range(256)) * 40 + b"\x00\r\n\x1a%PDF-"


def test_binary_content_comes_back_unchanged(storage):
    key = storage.add(BINARY, prefix="enrolments/7")
    assert key.startswith("enrolments/7/")
    assert storage.exists(key)
    assert storage.read(key) == BINARY
    with storage.open(key) as stream:
        assert stream.read(10) == BINARY[:10]


def test_keys_are_random_and_never_the_uploaded_name(storage):
    first = storage.add(b"one", prefix="enrolments/7")
    second = storage.add(b"one", prefix="enrolments/7")
    assert first != second
    name = first.rsplit("/", 1)[1]
    assert len(name) == 32 and set(name) <= set("0123456789abcdef")


def test_put_replaces_what_was_under_the_key(storage):
    storage.put("forms/a", b"old")
    storage.put("forms/a", io.BytesIO(b"new"))
    assert storage.read("forms/a") == b"new"


def test_a_deleted_file_is_gone(storage):
    key = storage.add(b"scan", prefix="enrolments/7")
    assert storage.delete(key) is True
    assert not storage.exists(key)
    assert list(storage.keys("enrolments/7")) == []
    assert storage.delete(key) is False  # deleting twice is no error


def test_a_missing_key_is_a_clear_error(storage):
    with pytest.raises(FileMissing, match="No file is stored under 'enrolments/7/nothing'"):
        storage.read("enrolments/7/nothing")
    with pytest.raises(FileMissing):
        storage.open("nothing")
    assert not storage.exists("enrolments/7/nothing")


def test_keys_lists_whole_segments_under_a_prefix(storage):
    mine = {storage.add(b"1", prefix="enrolments/1"), storage.add(b"2", prefix="enrolments/1")}
    nested = storage.add(b"3", prefix="enrolments/1/old")
    other = storage.add(b"4", prefix="enrolments/12")
    assert set(storage.keys("enrolments/1")) == mine | {nested}
    assert set(storage.keys("enrolments/1/")) == mine | {nested}
    assert set(storage.keys("enrolments")) == mine | {nested, other}
    assert set(storage.keys()) == mine | {nested, other}
    assert list(storage.keys("families")) == []


def test_delete_all_removes_an_owner_s_files_only(storage):
    storage.add(b"1", prefix="enrolments/1")
    storage.add(b"2", prefix="enrolments/1/old")
    kept = storage.add(b"3", prefix="enrolments/12")
    assert storage.delete_all("enrolments/1") == 2
    assert list(storage.keys()) == [kept]
    with pytest.raises(InvalidKey):
        storage.delete_all("")


@pytest.mark.parametrize(
    "key",
    ["../secret", "a/../../etc/passwd", "/etc/passwd", "a//b", "a/", ".hidden", "a/.b",
     "A", "a b", "a\\b", "a\x00b", "ä", "a.pdf", "", "x" * 65, "/".join("a" * 9)],
)  # fmt: skip
def test_a_key_that_could_leave_the_folder_is_refused(storage, key):
    for action in (
        lambda: storage.put(key, b"x"),
        lambda: storage.read(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
    ):
        with pytest.raises(InvalidKey):
            action()


@pytest.mark.parametrize("prefix", ["..", "../x", "/etc", "a/../..", "a//", ".x", "a\\b"])
def test_a_prefix_that_could_leave_the_folder_is_refused(storage, prefix):
    with pytest.raises(InvalidKey):
        storage.add(b"x", prefix=prefix)
    with pytest.raises(InvalidKey):
        list(storage.keys(prefix))
    assert list(storage.keys()) == []


def test_a_large_file_is_streamed_in_pieces_both_ways(storage):
    size = 9 * 1024 * 1024 + 123  # over boto3's multipart threshold (8 MB)
    piece = os.urandom(64 * 1024)
    source = Chunks(piece, size)
    key = storage.add(source, prefix="scans")
    assert source.whole_reads == 0  # never asked for everything at once
    digest = hashlib.sha256()
    with storage.open(key) as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == Chunks(piece, size).sha256()


class Chunks(io.RawIOBase):
    """A stream of size bytes that counts reads asking for everything."""

    def __init__(self, piece: bytes, size: int) -> None:
        self.piece, self.left, self.whole_reads = piece, size, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            self.whole_reads += 1
            size = self.left
        out = bytearray()
        while len(out) < min(size, self.left):
            out += self.piece[: min(size - len(out), self.left - len(out))]
        self.left -= len(out)
        return bytes(out)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        while chunk := self.read(1 << 20):
            digest.update(chunk)
        return digest.hexdigest()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_folder_keeps_files_readable_by_the_owner_only(tmp_path):
    usual = os.umask(0o022)  # it would give 0644 and 0755
    try:
        folder = FolderStorage(tmp_path / "files")
        key = folder.add(b"passport", prefix="enrolments/3")
    finally:
        os.umask(usual)
    assert stat.S_IMODE(folder.path(key).stat().st_mode) == 0o600
    for path in (folder.root, folder.root / "enrolments", folder.root / "enrolments" / "3"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert [p.name for p in folder.path(key).parent.iterdir()] == [key.rsplit("/", 1)[1]]


def test_the_settings_choose_the_backend(tmp_path, s3_endpoint, s3_bucket):
    folder_app = create_app(type("C", (TestingConfig,), {"STORAGE_FOLDER": str(tmp_path)}))
    chosen = storage_layer.current(folder_app)
    assert isinstance(chosen, FolderStorage) and chosen.root == tmp_path.resolve()
    assert storage_layer.current(folder_app) is chosen  # made once

    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_BUCKET": s3_bucket,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        "S3_REGION": "us-east-1",
    }
    s3_app = create_app(type("C", (TestingConfig,), settings))
    with s3_app.app_context():
        chosen = storage_layer.current()
        assert isinstance(chosen, S3Storage)
        key = chosen.add(b"via settings", prefix="x")
        assert chosen.read(key) == b"via settings"

    with pytest.raises(storage_layer.StorageError, match="folder"):
        storage_layer.from_config({"STORAGE_BACKEND": "ftp"})


def test_the_folder_backend_does_not_load_boto3(tmp_path):
    script = (
        "import sys; from app import storage; "
        f"s = storage.from_config({{'STORAGE_FOLDER': {str(tmp_path)!r}}}); "
        "assert s.read(s.add(b'x')) == b'x'; "
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
