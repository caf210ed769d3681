"""An uploaded paper must be a real PDF or Word DOCX file (hostile-upload rules, ADR 0025).

Checked before anything is stored: the size cap of ``jointly.core.uploads`` (``JOINTLY_MAX_UPLOAD_BYTES``);
a PDF by its header and end-of-file marker; a DOCX as a zip (entries, unpacked size and compression ratio
checked before any XML is parsed, as the import kernel checks a workbook) holding a Word document that
python-docx opens. Macro-enabled documents (``vbaProject.bin``) are refused.
"""

from __future__ import annotations

import io
import zipfile

from jointly.core.imports import megabytes
from jointly.core.uploads import max_upload_bytes

MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100


class BadPaper(ValueError):
    """Not a PDF or DOCX we accept; the message says why, for the person uploading."""


def check(name: str, data: bytes) -> str:
    """The paper's format ('pdf' or 'docx'); raises :class:`BadPaper` otherwise. Reads nothing else."""
    limit = max_upload_bytes()
    if not data:
        raise BadPaper("The file is empty: choose the paper's PDF or Word (DOCX) file.")
    if len(data) > limit:
        raise BadPaper(f"The file is larger than {megabytes(limit)}: make it smaller or split it.")
    lower = name.lower()
    if data[:5] == b"%PDF-":
        if b"%%EOF" not in data[-2048:]:
            raise BadPaper("The PDF is incomplete (it has no end): save it again and upload it.")
        return "pdf"
    if data[:2] == b"PK":
        _check_docx(data)
        return "docx"
    if lower.endswith((".doc", ".rtf", ".odt")):
        raise BadPaper("Save the paper as a PDF or as a Word document (.docx) and upload it again.")
    raise BadPaper("The file is not a PDF or a Word (DOCX) document.")


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise BadPaper("The file could not be read as a Word document (not a readable .docx file).") from exc
    names = {i.filename for i in infos}
    if len(infos) > MAX_ENTRIES:
        raise BadPaper(f"The document has {len(infos):,} parts; a paper may have at most {MAX_ENTRIES:,}.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNPACKED:
        raise BadPaper(f"The document unpacks to more than {megabytes(MAX_UNPACKED)}.")
    if total > 1024 * 1024 and total > MAX_RATIO * max(packed, 1):
        raise BadPaper("The document is compressed suspiciously well (a zip bomb?): save it again as PDF.")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise BadPaper("The file is a zip archive but not a Word (DOCX) document.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise BadPaper("The document contains macros: save it as a plain Word document (.docx) or PDF.")
    try:
        from docx import Document

        Document(io.BytesIO(data))
    except Exception as exc:
        raise BadPaper("The Word document could not be opened: save it again and upload it.") from exc
