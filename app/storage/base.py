"""The storage interface, its errors and its keys."""

from __future__ import annotations

import io
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 1024 * 1024  # files are copied in pieces of this size, never read whole

# A key: segments of lower-case letters, digits, "-" and "_", joined by "/" (at most 8).
# No "..", no leading "/", no backslash, no dot at all: a key cannot leave the folder.
SEGMENT = r"[a-z0-9][a-z0-9_-]{0,63}"
KEY = re.compile(rf"{SEGMENT}(/{SEGMENT}){{0,7}}")


class StorageError(Exception):
    """The storage refused or failed; the message says why (for logs and commands)."""


class InvalidKey(StorageError, ValueError):
    """A key or prefix that is not of the layer's form (it might try to leave the folder)."""


class FileMissing(StorageError, LookupError):
    """No file is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"No file is stored under {key!r}.")
        self.key = key


def check_key(key: str) -> str:
    """The key, if it is of the layer's form; else InvalidKey."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise InvalidKey(f"{key!r} is not a storage key (a/b/c of a-z, 0-9, - and _).")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix for `keys` and `add`: "" (everything) or whole segments, without "/" at the
    end."""
    return prefix if prefix == "" else check_key(prefix.removesuffix("/"))


def new_key(prefix: str = "") -> str:
    """A new random key under prefix (128 random bits: unguessable, never repeated)."""
    prefix = check_prefix(prefix)
    name = secrets.token_hex(16)
    return check_key(f"{prefix}/{name}" if prefix else name)


def as_stream(content: bytes | BinaryIO) -> BinaryIO:
    if isinstance(content, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(content))
    if not hasattr(content, "read"):
        raise TypeError("content must be bytes or a binary stream with read()")
    return content


class Storage(ABC):
    """Files by key. Every method checks its key; `keys(prefix)` lists whole segments:
    "enrolments/1" lists "enrolments/1/..." and never "enrolments/12/..."."""

    def add(self, content: bytes | BinaryIO, prefix: str = "") -> str:
        """Store content under a new random key under prefix; the key."""
        key = new_key(prefix)
        self.put(key, content)
        return key

    @abstractmethod
    def put(self, key: str, content: bytes | BinaryIO) -> None:
        """Store content (bytes, or a binary stream read in pieces) under key, replacing
        what was there; all or nothing."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the file (close it, or use `with`); FileMissing."""

    def read(self, key: str) -> bytes:
        """The whole file (for small files; large ones through `open`); FileMissing."""
        with self.open(key) as stream:
            return stream.read()

    @abstractmethod
    def delete(self, key: str) -> bool:
        """Remove the file; whether there was one (deleting twice is no error)."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a file is stored under key."""

    @abstractmethod
    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key under prefix (all keys for ""), in no particular order."""

    def delete_all(self, prefix: str) -> int:
        """Remove every file under prefix (erasure of an owner); how many. An empty prefix
        is refused: it would empty the whole storage."""
        if not check_prefix(prefix):
            raise InvalidKey("delete_all needs a prefix; it never empties the whole storage.")
        return sum(self.delete(key) for key in list(self.keys(prefix)))
