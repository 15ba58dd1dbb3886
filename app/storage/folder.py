"""Files in a folder (under instance/ by default), readable by the owner only: folders 0700,
files 0600. A file is written to a temporary name and renamed: a reader sees the old file or
the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.storage.base import (
    CHUNK,
    KEY,
    FileMissing,
    InvalidKey,
    Storage,
    StorageError,
    as_stream,
    check_key,
    check_prefix,
)

FOLDER_MODE = 0o700
FILE_MODE = 0o600


class FolderStorage(Storage):
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"FolderStorage({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """Where the file of key lives; a key that would lead outside the folder is refused
        (the key's form excludes it, and the resolved path is checked again)."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(f"{key!r} leads outside the storage folder.")
        return path

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=FOLDER_MODE)
            path.chmod(FOLDER_MODE)  # whatever the umask said

    def put(self, key: str, content: bytes | BinaryIO) -> None:
        path = self.path(key)
        stream = as_stream(content)
        self._make_folders(path.parent)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.part")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), FILE_MODE)
                shutil.copyfileobj(stream, file, CHUNK)
                file.flush()
                os.fsync(file.fileno())
            if path.is_dir():
                raise StorageError(f"{key!r} is a folder of other keys.")
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        path = self.path(key)
        try:
            if path.is_dir():
                raise FileMissing(key)
            return path.open("rb")
        except FileNotFoundError as error:
            raise FileMissing(key) from error

    def delete(self, key: str) -> bool:
        path = self.path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except IsADirectoryError:
            return False
        self._remove_empty_folders(path.parent)
        return True

    def _remove_empty_folders(self, folder: Path) -> None:
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:  # not empty, or gone
                return
            folder = folder.parent

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        prefix = check_prefix(prefix)
        start = self.root / prefix if prefix else self.root
        if not start.is_dir():
            return
        for folder, _subfolders, files in os.walk(start):
            for name in files:
                key = (Path(folder) / name).relative_to(self.root).as_posix()
                if KEY.fullmatch(key):  # temporary ".part" files are no keys
                    yield key
