"""Files in a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph ...) through boto3,
which only this backend imports. The bucket should be private, with versioning or replication
for backups (the README says how); keys are the layer's keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from app.storage.base import (
    FileMissing,
    Storage,
    StorageError,
    as_stream,
    check_key,
    check_prefix,
)

MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage(Storage):
    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str | None = None,
    ) -> None:
        if not bucket:
            raise StorageError("S3_BUCKET must name the bucket when STORAGE_BACKEND is s3.")
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # A custom endpoint (MinIO, Ceph, a test server) is addressed by path: its buckets
        # are rarely reachable as host names.
        style = "path" if endpoint_url else "auto"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": style},
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r})"

    def put(self, key: str, content: bytes | BinaryIO) -> None:
        # upload_fileobj reads the stream in pieces (a multipart upload for large files).
        self.client.upload_fileobj(as_stream(content), self.bucket, check_key(key))

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                raise FileMissing(key) from error
            raise
        return answer["Body"]

    def delete(self, key: str) -> bool:
        found = self.exists(key)
        if found:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        return found

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return False
            raise
        return True

    def keys(self, prefix: str = "") -> Iterator[str]:
        prefix = check_prefix(prefix)
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{prefix}/" if prefix else ""
        )
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"]
