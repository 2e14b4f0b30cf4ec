"""Hostile .xlsx files, built byte by byte: zip bombs, XML bombs, entity tricks, odd zips.

Each builder returns the file's bytes. The large ones are written from precompressed deflate
blocks, so a 1,000 MB part costs about a second to build, not a minute.
"""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
MB = 1024 * 1024
SHORTLIST_PART = "xl/worksheets/sheet2.xml"  # a Lair export's second sheet


def small_workbook() -> dict[str, bytes]:
    """The parts of an ordinary one-sheet workbook, as openpyxl writes it."""
    wb = Workbook()
    wb.active.append(["a", 1])
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as z:
        return {name: z.read(name) for name in z.namelist()}


def with_shared_strings(parts: dict[str, bytes], xml: bytes) -> dict[str, bytes]:
    """`parts` plus a shared strings part, declared in [Content_Types].xml as Excel does."""
    types = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode(),
    )
    return {**parts, "[Content_Types].xml": types, "xl/sharedStrings.xml": xml}


def zipped(parts: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _deflated(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, crc32, uncompressed size) entries, written by hand."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size,
                           len(encoded), 0) + encoded + data  # fmt: skip
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data),
                               size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded  # fmt: skip
    count = min(len(entries), 0xFFFF)
    return bytes(out + central) + struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0
    )


def one_huge_shared_string(megabytes: int = 1000) -> bytes:
    """A ~1 MB workbook whose one shared string unpacks to `megabytes` MB."""
    head = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
    tail = b"</t></si></sst>"
    block = b"a" * MB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh, so one compressed megabyte of "a"
    # can be repeated as often as wanted.
    repeated = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * MB + len(tail)
    parts = with_shared_strings(small_workbook(), b"")
    entries = [
        (name, _deflated(data), zlib.crc32(data), len(data))
        for name, data in parts.items()
        if name != "xl/sharedStrings.xml"
    ]
    entries.append(("xl/sharedStrings.xml", first + repeated * megabytes + last, crc, size))
    return raw_zip(entries)


def many_shared_strings(count: int, text: str = "") -> bytes:
    """`count` shared strings; with empty text, 3 million pack into about 0.1 MB."""
    one = f"<si><t>{text}</t></si>" if text else "<si><t/></si>"
    xml = f'<sst xmlns="{MAIN_NS}">'.encode() + one.encode() * count + b"</sst>"
    return zipped(with_shared_strings(small_workbook(), xml))


def poorly_packed_shared_strings(count: int) -> bytes:
    """`count` distinct short strings: they pack only a few times smaller."""
    body = b"".join(b"<si><t>%x</t></si>" % (n * 2654435761 % 2**32) for n in range(count))
    xml = f'<sst xmlns="{MAIN_NS}">'.encode() + body + b"</sst>"
    return zipped(with_shared_strings(small_workbook(), xml), level=1)


def billion_laughs() -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(levels)}]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>'
    )
    return zipped(with_shared_strings(small_workbook(), xml.encode()))


def external_entity(target: str = "file:///etc/passwd") -> bytes:
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "{target}">]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&secret;</t></si></sst>'
    )
    return zipped(with_shared_strings(small_workbook(), xml.encode()))


def doctype_only() -> bytes:
    """A DTD with no entities at all, in the workbook part."""
    parts = small_workbook()
    xml = parts["xl/workbook.xml"]
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    parts["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE workbook>' + body
    return zipped(parts)


def many_entries(count: int = 200_000) -> bytes:
    """An archive with `count` empty entries (about 80 bytes each)."""
    empty = _deflated(b"")
    return raw_zip([(f"{n:x}", empty, 0, 0) for n in range(count)])


def replace_part(content: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert name in parts, sorted(parts)
    parts[name] = data
    return zipped(parts)


def shortlist_with_rows(content: bytes, rows: bytes) -> bytes:
    """A Lair export whose Shortlist sheet has `rows` (raw <row> XML) after its header row."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet = z.read(SHORTLIST_PART)
    start = sheet.index(b"<sheetData>") + len(b"<sheetData>")
    header_end = sheet.index(b"</row>", start) + len(b"</row>")
    end = sheet.index(b"</sheetData>")
    return replace_part(content, SHORTLIST_PART, sheet[:header_end] + rows + sheet[end:])
