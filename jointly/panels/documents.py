"""Assessment documents are hostile until checked: size capped before reading (the upload route,
:mod:`jointly.core.uploads`), the kind told from the bytes (not the name or the browser's word), a
DOCX's archive checked before anything would unpack it; then stored encrypted (:mod:`crypto`)."""

from __future__ import annotations

import io
import zipfile

from jointly.core.imports import DEFAULT_LIMITS, ImportRefused, _xlsx_check

KINDS = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REFUSED = "Upload a PDF, a Word document (.docx), a PNG or JPEG image, or plain text."


class DocumentRefused(ValueError):
    pass


def sniff(data: bytes) -> str:
    """The content type the bytes show, or :class:`DocumentRefused`."""
    if not data:
        raise DocumentRefused("The file is empty.")
    for magic, kind in KINDS.items():
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            _xlsx_check(io.BytesIO(data), DEFAULT_LIMITS)
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (ImportRefused, zipfile.BadZipFile) as exc:
            raise DocumentRefused(
                "The Word document could not be read safely (a damaged or packed file)."
            ) from exc
        if "word/document.xml" in names:
            return DOCX
        raise DocumentRefused(REFUSED)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentRefused(REFUSED) from None
    if "\x00" in text:
        raise DocumentRefused(REFUSED)
    return "text/plain"
