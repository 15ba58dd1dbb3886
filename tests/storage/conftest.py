"""The storage backends under test: every test taking `storage` runs on the folder and on an
S3-compatible server (moto's, started once per run on 127.0.0.1, nothing from the internet),
each test with a fresh folder or a fresh bucket."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from app.storage import Storage
from app.storage.folder import FolderStorage

CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing", "region": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server for the whole run (moto[server])."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    """A new, empty bucket on the local server."""
    from app.storage.s3 import S3Storage

    name = f"austausch-{uuid.uuid4().hex[:12]}"
    S3Storage(name, endpoint_url=s3_endpoint, **CREDENTIALS).client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["folder", "s3"])
def storage(request, tmp_path) -> Storage:
    if request.param == "folder":
        return FolderStorage(tmp_path / "files")
    from app.storage.s3 import S3Storage

    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("s3_bucket")
    return S3Storage(bucket, endpoint_url=endpoint, **CREDENTIALS)
