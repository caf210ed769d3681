"""Write the malformed-file corpus beside this script (``python tests/corpus/make_corpus.py``).

The files are committed; this script says how each was made and can make them again. Every
file is small on disk; some are built to be large or slow once opened (that is the point).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def _workbook(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _replace_part(xlsx: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == part else source.read(info.filename))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
ROWS = [["reference", "title", "kpi", "period", "numerator"], ["ALP-90", "A title", "SG-L3", "2023-06", "1"]]

ENTITY_BOMB = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>reference</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>ALP-91</t></is></c><c r="B2" t="inlineStr"><is><t>&lol4;</t></is></c></row>
</sheetData></worksheet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>reference</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>ALP-92</t></is></c><c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>
</sheetData></worksheet>"""


def _zip_bomb(good: bytes) -> bytes:
    """A workbook whose sheet inflates ~1000:1 (30 MB of spaces inside a valid sheet)."""
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    return _replace_part(good, SHEET, head + b" " * (30 * 1024 * 1024) + b"<sheetData/></worksheet>")


def _many_entries(good: bytes) -> bytes:
    out = io.BytesIO(good)
    with zipfile.ZipFile(out, "a") as target:
        for i in range(1500):
            target.writestr(f"xl/junk/{i}.xml", b"")
    return out.getvalue()


def build() -> dict[str, bytes]:
    good = _workbook(ROWS)
    deep = "[" * 100_000 + "]" * 100_000
    return {
        # XLSX
        "truncated.xlsx": good[: len(good) // 2],
        "not-a-zip.xlsx": b"reference,title\nALP-93,plain text named .xlsx\n",
        "zip-bomb.xlsx": _zip_bomb(good),
        "entity-bomb.xlsx": _replace_part(good, SHEET, ENTITY_BOMB),
        "external-entity.xlsx": _replace_part(good, SHEET, EXTERNAL_ENTITY),
        "too-many-parts.xlsx": _many_entries(good),
        "empty-zip.xlsx": b"PK\x05\x06" + b"\x00" * 18,
        # CSV
        "latin1.csv": "reference,title,kpi,period,numerator\nALP-94,Caf\u00e9,SG-L3,2023-06,1\n".encode(
            "latin-1"
        ),
        "utf16.csv": "reference,title\nALP-95,UTF-16 text\n".encode("utf-16"),
        "nul-bytes.csv": b"reference,title,kpi,period,numerator\nALP-96,Nul\x00here,SG\x00,2023-06,1\n",
        "huge-header-cell.csv": b"reference,title,kpi,period,numerator,"
        + b"X" * 300_000
        + b"\nALP-97,t,k,p,1,2\n",
        "huge-cell.csv": b"reference,title,kpi,period,numerator\nALP-98,"
        + b"Y" * 200_000
        + b",SG-L3,2023-06,1\n",
        "ragged.csv": b"reference,title,kpi,period,numerator\nALP-99,t,SG-L3,2023-06,1,extra,cells\n",
        "unclosed-quote.csv": b'reference,title,kpi,period,numerator\nALP-100,"never closed,SG-L3,2023-06,1\n',
        "empty.csv": b"",
        "only-bom.csv": b"\xef\xbb\xbf",
        "control-characters.csv": b"reference,title,kpi,period,numerator\nALP-\x08101,t\x1b,SG-L3,2023-06,1\n",
        # JSON / OCDS
        "deep.json": deep.encode(),
        "deep-object.json": ('{"a":' * 5000 + "1" + "}" * 5000).encode(),
        "nan.json": b'{"releases": [{"value": NaN}]}',
        "big-integer.json": b'{"releases": [' + b"9" * 10_000 + b"]}",
        "not-json.json": b"releases: []",
        "latin1.json": '{"uri": "caf\u00e9"}'.encode("latin-1"),
        "truncated.json": b'{"releases": [{"ocid": "ocds-x-1", "id": "1"',
        "ocds-array.json": b"[]",
        "ocds-no-releases.json": json.dumps({"uri": "x", "publishedDate": "2020-01-01T00:00:00Z"}).encode(),
        "ocds-bad-types.json": json.dumps(
            {
                "uri": "x",
                "publishedDate": "yesterday",
                "version": "1.1",
                "releases": [
                    {
                        "ocid": 5,
                        "id": None,
                        "date": "no",
                        "tag": "award",
                        "awards": "none",
                        "contracts": [{"value": {"amount": "lots"}}],
                    }
                ],
            }  # fmt: skip
        ).encode(),
        "ocds-huge-string.json": json.dumps({"uri": "x", "releases": [{"ocid": "Z" * 100_000}]}).encode(),
    }


if __name__ == "__main__":
    for name, content in build().items():
        (HERE / name).write_bytes(content)
        print(f"{name}: {len(content):,} bytes")
