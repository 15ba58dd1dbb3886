"""The rules for an uploaded document: PDF, JPEG or PNG only, the type read from the content
(never the name or the browser's content type), at most UPLOAD_MAX_BYTES, images re-encoded
without their metadata (EXIF with GPS, comments) after their orientation is applied, and a
safe name for the download.

    checked = uploads.check(form.file.data.stream, form.file.data.filename)
    key = storage.current().add(checked.content, prefix=f"enrolments/{enrolment.id}")
    # keep key, checked.content_type, checked.filename, checked.size on the document's row

A file that breaks a rule raises DomainError with a translated message (field "file")."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.services.errors import DomainError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}
# An image of more pixels is refused before it is decoded: a small file can unpack to
# gigabytes (a "decompression bomb"). 50 megapixels holds any phone photo or A4 scan.
MAX_PIXELS = 50_000_000
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """What to store: the bytes (re-encoded for images), their type and a download name."""

    content: bytes
    content_type: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.content)


def check(
    upload: bytes | BinaryIO, filename: str = "", *, limit: int | None = None, field: str = "file"
) -> CheckedFile:
    """The upload, checked and cleaned, or DomainError. limit: UPLOAD_MAX_BYTES by default."""
    limit = current_app.config["UPLOAD_MAX_BYTES"] if limit is None else limit
    content = _read_within(upload, limit, field)
    content_type = detected_type(content)
    if content_type is None:
        raise DomainError(_("Only PDF, JPEG and PNG files can be uploaded."), field)
    if content_type == PDF:
        _check_pdf(content, field)
    else:
        content = _clean_image(content, content_type, field)
    return CheckedFile(content, content_type, download_name(filename, content_type))


def _read_within(upload: bytes | BinaryIO, limit: int, field: str) -> bytes:
    """The content, read no further than one byte past the limit."""
    if isinstance(upload, bytes | bytearray):
        content = bytes(upload[: limit + 1])
    else:
        content = upload.read(limit + 1)
    if len(content) > limit:
        megabytes = format_decimal(limit / MEGABYTE, format="#,##0.#")
        raise DomainError(
            _("The file is larger than %(megabytes)s MB; please upload a smaller one.",
              megabytes=megabytes),
            field,
        )  # fmt: skip
    if not content:
        raise DomainError(_("The file is empty."), field)
    return content


def detected_type(content: bytes) -> str | None:
    """PDF, JPEG or PNG by the file's first bytes; None for anything else."""
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def _check_pdf(content: bytes, field: str) -> None:
    """A PDF that opens and has pages; a password-protected one cannot be checked or read."""
    unreadable = DomainError(_("The PDF file could not be read; it may be damaged."), field)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise DomainError(
                _("The PDF file is protected by a password; please upload it without one."),
                field,
            )
        if len(reader.pages) < 1:
            raise unreadable
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise unreadable from error


def _clean_image(content: bytes, content_type: str, field: str) -> bytes:
    """The image decoded, turned as its EXIF orientation says and encoded again without any
    metadata; a damaged image or one of too many pixels is refused."""
    unreadable = DomainError(_("The image could not be read; it may be damaged."), field)
    formats = [PILLOW_FORMAT[content_type]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=formats) as image:
                _refuse_too_many_pixels(image.width * image.height, field)
                image.verify()
            with Image.open(io.BytesIO(content), formats=formats) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, content_type)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(field) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise unreadable from error


def _encode(image: Image.Image, content_type: str) -> bytes:
    kept = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    image.info = kept  # no EXIF, XMP, ICC profile, comments or text chunks are carried over
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _too_many_pixels(field: str) -> DomainError:
    return DomainError(
        _("The image has too many pixels (at most %(megapixels)d megapixels); please upload "
          "a smaller photo or scan.", megapixels=MAX_PIXELS // 1_000_000),
        field,
    )  # fmt: skip


def _refuse_too_many_pixels(pixels: int, field: str) -> None:
    if pixels > MAX_PIXELS:
        raise _too_many_pixels(field)


UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(filename: str, content_type: str) -> str:
    """An ASCII name for the download: the uploaded name's letters without accents, other
    characters as "-", at most 60, and the extension of the detected type ("document.pdf"
    when nothing is left)."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = base.rsplit(".", 1)[0] if "." in base else base
    ascii_only = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = UNSAFE.sub("-", ascii_only).strip(".-_")[:60].strip(".-_") or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"
