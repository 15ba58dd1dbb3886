"""PDF from the same HTML and stylesheet as the print view, through WeasyPrint. Only the
application's own static files may be loaded while rendering: nothing from the network."""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://austausch.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serves /static/... from the application's static folder and refuses everything else."""

    def __init__(self, static_folder: str, static_path: str) -> None:
        super().__init__()
        self.root = Path(static_folder).resolve()
        self.prefix = static_path.rstrip("/") + "/"

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        ours = f"{parts.scheme}://{parts.netloc}/" == BASE_URL
        if not ours or not parts.path.startswith(self.prefix):
            raise ValueError(f"Not an application file: {url}")
        path = (self.root / unquote(parts.path[len(self.prefix) :])).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Not an application file: {url}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while rendering: a long roster makes hundreds
    of thousands of objects, and each full collection meanwhile walked them and the whole
    application again (a sixth of a 500-student roster's time). The first collection after
    the render frees what is left of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render(html: str) -> bytes:
    app = current_app
    fetcher = StaticFilesOnly(app.static_folder, app.static_url_path)
    with collector_paused():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
