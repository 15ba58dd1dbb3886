"""The rules for an uploaded document: the type from the content, a size limit, images
re-encoded without their metadata, bombs refused, a safe download name."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from flask_babel import force_locale
from PIL import Image, ImageOps
from pypdf import PdfWriter

from app.services.enrolment import uploads
from app.services.errors import DomainError

GPS = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield app


def a_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def a_photo(size=(40, 20), orientation: int | None = None, gps: bool = True) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, where it was taken, how to turn it."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera 1.0"  # Software
    if gps:
        exif[GPS] = {1: "N", 2: (51.0, 30.0, 50.0), 3: "E", 4: (7.0, 28.0, 0.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Taken at Kampstrasse 5")
    return out.getvalue()


def a_png(size=(30, 30), **info: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    for name, value in info.items():
        text.add_text(name, value)
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 200)).save(out, "PNG", pnginfo=text)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims width × height pixels (a decompression bomb)."""
    data = bytearray(a_png())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def refusal(content, filename="scan.pdf", **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        uploads.check(content, filename, **kwargs)
    assert refused.value.field == "file"
    return refused.value.message


def test_a_pdf_is_kept_as_it_is(context):
    content = a_pdf()
    checked = uploads.check(io.BytesIO(content), "Reisepass Müller.PDF")
    assert checked.content == content
    assert checked.content_type == "application/pdf"
    assert checked.filename == "Reisepass-Muller.pdf"
    assert checked.size == len(content)


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  %PDF-1.7 <html>",
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04 a zip or a .docx",
        b"\xef\xbb\xbf%PDF-1.4",
    ],
)
def test_the_type_is_read_from_the_content_not_the_name(context, content):
    assert refusal(content, "passport.pdf") == "Only PDF, JPEG and PNG files can be uploaded."


def test_what_starts_like_a_pdf_must_also_be_one(context):
    message = refusal(b"%PDF-1.7\n<html><body>not really</body></html>", "passport.pdf")
    assert message == "The PDF file could not be read; it may be damaged."
    assert "could not be read" in refusal(a_pdf()[:200])


def test_a_password_protected_pdf_is_refused(context):
    assert "protected by a password" in refusal(a_pdf(password="secret"))


def test_a_png_named_pdf_is_a_png(context):
    checked = uploads.check(a_png(), "form.pdf")
    assert checked.content_type == "image/png"
    assert checked.filename == "form.png"


def test_a_photo_loses_its_exif_and_gps(context):
    original = Image.open(io.BytesIO(a_photo()))
    assert original.getexif().get_ifd(GPS)  # the test photo does say where it was taken
    assert b"Kampstrasse" in a_photo()

    checked = uploads.check(a_photo(), "medical.jpeg")
    assert checked.content_type == "image/jpeg"
    assert checked.filename == "medical.jpg"
    cleaned = Image.open(io.BytesIO(checked.content))
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(cleaned.info)
    assert b"Exif" not in checked.content
    assert b"PhoneMaker" not in checked.content and b"Kampstrasse" not in checked.content
    assert cleaned.size == (40, 20)


def test_a_photo_is_turned_upright_before_its_exif_goes(context):
    # Orientation 6: the camera was held upright, the picture must turn 90° clockwise.
    sideways = a_photo(size=(40, 20), orientation=6)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(sideways)))
    cleaned = Image.open(io.BytesIO(uploads.check(sideways, "form.jpg").content))
    assert cleaned.size == (20, 40)
    assert ORIENTATION not in cleaned.getexif()
    top_left, bottom_left = cleaned.getpixel((2, 2)), cleaned.getpixel((2, 37))
    assert top_left == pytest.approx(expected.getpixel((2, 2)), abs=12)
    assert bottom_left == pytest.approx(expected.getpixel((2, 37)), abs=12)
    assert top_left[2] > 150 and bottom_left[0] > 150  # blue came to the top, red below


def test_a_png_loses_its_text_and_keeps_its_pixels(context):
    content = a_png(Author="Anna Schmidt", Location="Dortmund")
    checked = uploads.check(content, "scan.png")
    cleaned = Image.open(io.BytesIO(checked.content))
    assert cleaned.format == "PNG"
    assert cleaned.info.get("Author") is None and b"Anna Schmidt" not in checked.content
    assert cleaned.getpixel((5, 5)) == (0, 128, 0, 200)


def test_a_damaged_image_is_refused(context):
    photo = a_photo()
    assert refusal(photo[:120], "x.jpg") == "The image could not be read; it may be damaged."
    assert "could not be read" in refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "x.png")


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(context):
    bomb = png_claiming(20_000, 20_000)  # 400 megapixels in a few hundred bytes
    assert len(bomb) < 1000
    message = refusal(bomb, "bomb.png")
    assert message.startswith("The image has too many pixels (at most 50 megapixels)")


def test_a_file_over_the_limit_names_the_limit(context):
    big = io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert refusal(big) == "The file is larger than 10 MB; please upload a smaller one."
    assert big.tell() == 10 * 1024 * 1024 + 1  # read no further than one byte past the limit
    assert "larger than 0.5 MB" in refusal(a_pdf() + b"0" * 600_000, limit=512 * 1024)
    uploads.check(a_pdf(), "fits.pdf", limit=len(a_pdf()))


def test_the_limit_is_a_setting(app_factory):
    app = app_factory(UPLOAD_MAX_BYTES=3 * 1024 * 1024)
    with app.test_request_context():
        assert "larger than 3 MB" in refusal(b"%PDF-" + b"0" * (3 * 1024 * 1024))


def test_an_empty_file_is_refused(context):
    assert refusal(b"") == "The file is empty."


def test_the_messages_are_in_german(context):
    with force_locale("de"):
        assert refusal(b"<html>", "a.pdf") == (
            "Es können nur PDF-, JPEG- und PNG-Dateien hochgeladen werden."
        )
        assert refusal(b"%PDF-" + b"0" * 600_000, limit=512 * 1024) == (
            "Die Datei ist größer als 0,5 MB; bitte laden Sie eine kleinere hoch."
        )
        assert "zu viele Pixel" in refusal(png_claiming(20_000, 20_000), "x.png")


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("C:\\fakepath\\Reisepass Müller.pdf", "application/pdf", "Reisepass-Muller.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("<script>alert(1)</script>.html", "application/pdf", "script.pdf"),
        ("", "image/jpeg", "document.jpg"),
        ("ängste.tar.gz", "image/png", "angste.tar.png"),
        ("日本語.pdf", "application/pdf", "document.pdf"),
        ('a"b;c\r\nd.pdf', "application/pdf", "a-b-c-d.pdf"),
        ("x" * 200 + ".pdf", "application/pdf", "x" * 60 + ".pdf"),
    ],
)
def test_the_download_name_is_ascii_with_the_detected_extension(name, content_type, expected):
    assert uploads.download_name(name, content_type) == expected
