"""`flask backup` and `flask restore`: the database and the folder's files in one tar archive
(see app/cli/backups.py for the database's part)."""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from app.cli.backups import BackupError, backup_database, restore_database
from app.storage import StorageError, check_key
from app.storage.folder import FolderStorage

FILES = "files"  # the folder's files are under files/<key> in the archive


def backup(database_url: str, target: str | Path, files: FolderStorage | None = None) -> Path:
    """Write the database, and the files of the folder if one is given, to target (a new
    file, readable by its owner only); its path."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = "sqlite" if make_url(database_url).get_backend_name() == "sqlite" else "dump"
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        database = backup_database(database_url, Path(work) / f"database.{suffix}")
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
                tar.add(database, arcname=database.name, filter=_owner_only)
                if files is not None:
                    _add_files(tar, files)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return target


def _owner_only(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _add_files(tar: tarfile.TarFile, files: FolderStorage) -> None:
    folder = tarfile.TarInfo(FILES)
    folder.type, folder.mode = tarfile.DIRTYPE, 0o700
    tar.addfile(folder)  # says that the backup holds the folder, even when it is empty
    for key in sorted(files.keys()):
        try:
            stream = files.open(key)
        except StorageError:
            continue  # deleted while the backup ran
        with stream:
            info = _owner_only(tarfile.TarInfo(f"{FILES}/{key}"))
            stat = os.fstat(stream.fileno())
            info.size, info.mtime = stat.st_size, int(stat.st_mtime)
            tar.addfile(info, stream)


def restore(database_url: str, source: str | Path, files: FolderStorage | None = None) -> None:
    """Put the backup's database back and, if the backup holds files and a folder is given,
    make the folder hold exactly those files. Stop the application first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a backup file.")
    if not tarfile.is_tarfile(source):
        restore_database(database_url, source)  # a plain database backup
        return
    with tarfile.open(source) as tar, tempfile.TemporaryDirectory(prefix="austausch-") as work:
        members = tar.getmembers()
        database = [m for m in members if m.isfile() and m.name.startswith("database.")]
        if len(database) != 1:
            raise BackupError(f"{source} holds no database backup.")
        staged = None
        if files is not None and any(m.isdir() and m.name == FILES for m in members):
            staged = _stage_files(tar, members, files)  # checked before anything changes
        try:
            database_copy = Path(work) / Path(database[0].name).name
            with tar.extractfile(database[0]) as stream, database_copy.open("wb") as out:
                database_copy.chmod(0o600)
                shutil.copyfileobj(stream, out)
            restore_database(database_url, database_copy)
        except BaseException:
            if staged:
                shutil.rmtree(staged.root, ignore_errors=True)
            raise
        if staged:
            _swap(staged, files)


def _stage_files(tar: tarfile.TarFile, members, files: FolderStorage) -> FolderStorage:
    """The archive's files in a new folder next to the live one; BackupError for a member
    that is no plain file under a valid key."""
    staged = FolderStorage(files.root.with_name(f".{files.root.name}.restoring-{os.getpid()}"))
    shutil.rmtree(staged.root, ignore_errors=True)
    staged.root.mkdir(mode=0o700, parents=True)
    try:
        for member in members:
            if not member.name.startswith(f"{FILES}/"):
                continue
            key = member.name.removeprefix(f"{FILES}/")
            if not member.isfile():
                raise BackupError(f"{member.name} in the backup is not a file.")
            try:
                staged.put(check_key(key), tar.extractfile(member))
            except StorageError as error:
                raise BackupError(f"{member.name} in the backup: {error}") from error
    except BaseException:
        shutil.rmtree(staged.root, ignore_errors=True)
        raise
    return staged


def _swap(staged: FolderStorage, files: FolderStorage) -> None:
    """The staged folder takes the live one's place; the old files are removed."""
    old = files.root.with_name(f".{files.root.name}.old-{os.getpid()}")
    if files.root.exists():
        files.root.rename(old)
    staged.root.rename(files.root)
    shutil.rmtree(old, ignore_errors=True)
