"""Opening a workbook someone sent, at a cost the file cannot choose.

An .xlsx is a zip of XML parts, and a small one can unpack to gigabytes, hold millions of
tiny strings, or carry XML entity tricks. So before any XML parser runs:

1. the zip's directory: at most `MAX_PARTS` entries (counted in the raw bytes, before
   zipfile makes an object per entry), `MAX_UNPACKED` bytes in all, no entry packed more
   than `MAX_RATIO` times, only the stored and deflate methods Excel uses, no encryption;
2. one streaming pass over every part (zipfile stops each at the size the directory
   declares and checks its CRC): no DTD — which is where billion-laughs and external
   entities live, and Excel never writes one — no encoding in which "<" is not the byte
   0x3C, and at most so many XML elements ("<" bytes, an upper bound no markup trick can
   get under) per part and in all, which bounds what openpyxl builds in memory.

openpyxl then reads, in read-only mode, a copy of the parts stored unpacked (at most
`MAX_UNPACKED`), through a file object that hands it at most `CHUNK` bytes a read and none
after the deadline: so the time budget holds inside openpyxl's own loops. openpyxl also
parses through defusedxml (installed with Lair), which refuses entities itself.
"""

import io
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, WORKSHEET_TYPE
from openpyxl.xml.functions import fromstring

from challenges.codes import Code
from challenges.errors import LairError, Problem

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
MAX_PARTS = 100  # a Lair export has 14; Excel adds a few
MAX_NAME = 255
MAX_UNPACKED = 50 * MB
MAX_RATIO = 100  # Lair's own largest sheet packs about 20 times
RATIO_FROM = 64 * 1024  # smaller parts cannot cost much however tightly packed
# XML elements: a Lair export of 10,000 ideas has about 550,000, nearly all in sheets no
# one reads; shared strings and the other parts are parsed whole, the two sheets read row
# by row.
MAX_ELEMENTS = 1_000_000
MAX_SHARED_STRING_ELEMENTS = 200_000
MAX_OTHER_PART_ELEMENTS = 20_000
MAX_READ_SHEET_ELEMENTS = 150_000
MAX_ROWS = 20_000
BUDGET_SECONDS = 10.0
CHUNK = 64 * 1024
ENCODINGS = {None, "utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1"}


class WorkbookRejected(LairError):
    """The file is not a workbook Lair can read decisions from; nothing was changed."""


def rejected(code: Code, **facts) -> WorkbookRejected:
    """The file cannot be read (`code`: why, a part of the sentence); the words say what to
    send instead."""
    return WorkbookRejected(Code.WORKBOOK_UNUSABLE, reason=Problem(code, facts))


UNREADABLE = Code.FILE_UNREADABLE


class Budget:
    """A wall-clock deadline for reading one file."""

    def __init__(self, seconds: float = BUDGET_SECONDS, clock=time.monotonic):
        self.seconds, self.clock = seconds, clock
        self.ends = clock() + seconds

    def check(self) -> None:
        if self.clock() > self.ends:
            raise rejected(Code.FILE_TOO_SLOW, seconds=self.seconds)


class _FirstElement(Exception):
    pass


class _Prolog:
    """Feeds a part to expat (set up as ElementTree sets it up) until its first element.

    A DTD or an XML declaration can only come before it. A part expat cannot read that far
    is not XML: openpyxl's parser would stop at the same place, having built nothing."""

    def __init__(self, name: str):
        self.name = name
        self.is_xml: bool | None = None  # None until decided
        self.parser = expat.ParserCreate(None, "}")
        self.parser.XmlDeclHandler = self._declaration
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._element

    def feed(self, chunk: bytes) -> None:
        if self.is_xml is not None:
            return
        try:
            self.parser.Parse(chunk, False)
        except _FirstElement:
            self.is_xml = True
        except expat.ExpatError:
            self.is_xml = False

    def _declaration(self, version, encoding, standalone) -> None:
        if encoding is not None and encoding.lower() not in ENCODINGS:
            raise rejected(Code.FILE_ENCODING, part=self.name, encoding=encoding)

    def _doctype(self, *_) -> None:
        raise rejected(Code.FILE_DTD)

    def _element(self, *_) -> None:
        raise _FirstElement


def _refuse_by_directory(content: bytes) -> zipfile.ZipFile:
    if len(content) > MAX_FILE_BYTES:
        raise rejected(Code.FILE_TOO_LARGE, mb=MAX_FILE_BYTES // MB)
    # Every central directory entry starts with this signature, so this counts at least as
    # many entries as zipfile would read, without reading them.
    if content.count(b"PK\x01\x02") > MAX_PARTS:
        raise rejected(Code.FILE_TOO_MANY_PARTS, most=MAX_PARTS)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception as exc:  # zipfile raises several kinds on a file that is not a zip
        raise rejected(UNREADABLE) from exc
    infos = archive.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names) or any(len(n) > MAX_NAME for n in names):
        raise rejected(UNREADABLE)
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise rejected(Code.FILE_UNPACKS_TOO_LARGE, mb=MAX_UNPACKED // MB)
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise rejected(Code.FILE_PROTECTED)
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise rejected(
                Code.FILE_PACKED_TIGHTLY,
                part=info.filename, ratio=info.file_size // max(info.compress_size, 1),
            )  # fmt: skip
    return archive


def _too_many_elements(where: str, limit: int) -> WorkbookRejected:
    return rejected(Code.FILE_TOO_MANY_ELEMENTS, where=where, most=limit)


def _unpacked_copy(archive: zipfile.ZipFile) -> tuple[bytes, dict[str, int]]:
    """Every part checked in one streaming pass and stored unpacked; XML elements per part."""
    infos = archive.infolist()
    if ARC_CONTENT_TYPES not in {i.filename for i in infos}:
        raise rejected(UNREADABLE)
    # The manifest first: it says which part holds the shared strings and which parts are
    # sheets, as openpyxl reads it.
    infos.sort(key=lambda i: i.filename != ARC_CONTENT_TYPES)
    shared_strings, worksheets = None, set()
    elements: dict[str, int] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in infos:
            name = info.filename
            if name == shared_strings:
                limit, where = MAX_SHARED_STRING_ELEMENTS, "its shared text"
            elif name in worksheets:
                limit, where = MAX_ELEMENTS, f"its sheet {name}"
            else:
                limit, where = MAX_OTHER_PART_ELEMENTS, f"its part {name}"
            prolog, count, kept = _Prolog(name), 0, []
            with archive.open(info) as source, copy.open(name, "w") as target:
                while chunk := source.read(CHUNK):
                    prolog.feed(chunk)
                    count += chunk.count(b"<")
                    if prolog.is_xml is not False and count > limit:
                        raise _too_many_elements(where, limit)
                    target.write(chunk)
                    if name == ARC_CONTENT_TYPES:
                        kept.append(chunk)
            elements[name] = count if prolog.is_xml is not False else 0
            if sum(elements.values()) > MAX_ELEMENTS:
                raise _too_many_elements("the whole file", MAX_ELEMENTS)
            if name == ARC_CONTENT_TYPES:
                manifest = Manifest.from_tree(fromstring(b"".join(kept)))
                found = manifest.find(SHARED_STRINGS)
                shared_strings = found.PartName[1:] if found is not None else None
                worksheets = {o.PartName[1:] for o in manifest.findall(WORKSHEET_TYPE)}
    return out.getvalue(), elements


class _DeadlineFile(io.BytesIO):
    """What openpyxl reads: at most CHUNK bytes a read, and none after the deadline."""

    def __init__(self, data: bytes, budget: Budget):
        super().__init__(data)
        self.budget = budget

    def read(self, size: int | None = -1) -> bytes:
        self.budget.check()
        if size is not None and size > CHUNK:
            size = CHUNK
        return super().read(size)


class SentWorkbook:
    """A workbook opened read-only within the limits; sheets are read through `rows`."""

    def __init__(self, workbook, elements: dict[str, int], budget: Budget):
        self.workbook = workbook
        self.elements = elements
        self.budget = budget

    @property
    def sheetnames(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def rows(self, title: str, *, max_col: int, max_row: int | None = None) -> Iterator[tuple]:
        """The sheet's values row by row, at most `MAX_ROWS`, within the time budget."""
        sheet = self.workbook[title]
        # openpyxl holds a whole row in memory while it reads it, however wide: the sheets
        # Lair reads row by row get a tighter bound than the rest. `_worksheet_path` is
        # openpyxl's own record of the part it will read the sheet from.
        if self.elements[sheet._worksheet_path] > MAX_READ_SHEET_ELEMENTS:
            raise _too_many_elements(f"its {title} sheet", MAX_READ_SHEET_ELEMENTS)
        values = sheet.iter_rows(max_row=max_row, max_col=max_col, values_only=True)
        for number in range(1, MAX_ROWS + 2):
            try:
                row = next(values)
            except StopIteration:
                return
            except WorkbookRejected:
                raise
            except Exception as exc:  # openpyxl on malformed XML: many kinds, one meaning
                raise rejected(UNREADABLE) from exc
            if number > MAX_ROWS:
                raise rejected(Code.FILE_TOO_MANY_ROWS, sheet=title, most=MAX_ROWS)
            self.budget.check()
            yield row


@contextmanager
def opened(content: bytes, budget: Budget | None = None) -> Iterator[SentWorkbook]:
    """Check `content` as above and open it with openpyxl, read-only; closed afterwards."""
    budget = budget or Budget()
    archive = _refuse_by_directory(content)
    try:
        stored, elements = _unpacked_copy(archive)
    except WorkbookRejected:
        raise
    except Exception as exc:  # a bad CRC, a truncated entry, a manifest openpyxl cannot read
        raise rejected(UNREADABLE) from exc
    finally:
        archive.close()
    try:
        workbook = load_workbook(
            _DeadlineFile(stored, budget), read_only=True, data_only=True, keep_links=False
        )
    except WorkbookRejected:
        raise
    except Exception as exc:  # openpyxl on malformed parts: many kinds, one meaning
        raise rejected(UNREADABLE) from exc
    try:
        yield SentWorkbook(workbook, elements, budget)
    finally:
        workbook.close()
