"""Where uploaded files live: one interface over a folder under instance/ (the default) or an
S3-compatible object store (AWS S3, MinIO, Ceph ...), chosen by STORAGE_BACKEND.

    from app import storage

    key = storage.current().add(upload.content, prefix=f"enrolments/{enrolment.id}")
    with storage.current().open(key) as stream: ...      # a readable binary stream
    storage.current().delete(key)
    for key in storage.current().keys(f"enrolments/{enrolment.id}"): ...  # export, erasure

The layer makes the keys (`add`): a prefix the caller chooses, then a random name, never the
uploaded file's name. Keep the key (and the content type and download name the upload's
checks gave) on the row that owns the file; group keys by their owner (a prefix per
enrolment) so that erasure can find every file of a person with `keys(prefix)`."""

from __future__ import annotations

from flask import Flask, current_app

from app.storage.base import (
    CHUNK,
    FileMissing,
    InvalidKey,
    Storage,
    StorageError,
    check_key,
    check_prefix,
    new_key,
)

__all__ = [
    "CHUNK",
    "FileMissing",
    "InvalidKey",
    "Storage",
    "StorageError",
    "check_key",
    "check_prefix",
    "current",
    "from_config",
    "new_key",
]

EXTENSION = "storage"


def from_config(config: dict) -> Storage:
    """The backend the settings name: STORAGE_BACKEND "folder" (STORAGE_FOLDER) or "s3"
    (S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION)."""
    backend = config.get("STORAGE_BACKEND", "folder")
    if backend == "folder":
        from app.storage.folder import FolderStorage

        return FolderStorage(config["STORAGE_FOLDER"])
    if backend == "s3":
        from app.storage.s3 import S3Storage  # boto3 is loaded only for this backend

        return S3Storage(
            bucket=config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            region=config.get("S3_REGION") or None,
        )
    raise StorageError(f'STORAGE_BACKEND must be "folder" or "s3", not {backend!r}.')


def current(app: Flask | None = None) -> Storage:
    """The application's storage, made from its settings at first use and kept."""
    app = app or current_app._get_current_object()  # the app, not the proxy
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = from_config(app.config)
    return found
