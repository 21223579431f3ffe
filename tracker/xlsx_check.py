"""Inspect an XLSX before anything parses it, so that no file can make the reader allocate more
than the import limits allow.

python-calamine builds each sheet as one rectangle from its first to its last cell and copies a
shared string into every cell that uses it. So a 1.6 KB file with cells at A1 and XFD1048576
asks for 17 billion cells (hundreds of gigabytes), a 3 MB file can inflate to millions of rows,
and one 32,000-character shared string used by a million cells is 32 GB of text. Before
calamine sees the file, :func:`check_xlsx`

- adds up the parts' sizes as the zip declares them, then inflates every part itself (bounded,
  without keeping it) so a size the zip lies about is caught too;
- reads each worksheet's XML as a stream – the parts the workbook's relationships name as
  sheets, wherever they are, and every other XML part – chunk by chunk, nothing kept: regular
  expressions for the XML Excel writes, expat for anything else. It refuses a declared
  ``<dimension>`` or a cell reference beyond the row and column limits, counting rows and
  cells without an ``r`` attribute the way a reader places them;
- adds up the length of the shared strings the cells refer to, and refuses past a budget.

Each refusal is a :class:`~tracker.spreadsheets.SpreadsheetError` with a message for the person
who sent the file.
"""

import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from array import array
from dataclasses import dataclass
from xml.parsers import expat

#: Budgets per cell the limits allow (rows × columns): XML bytes once inflated, characters of
#: shared text the cells use. A real 20,000-row notes file uses about a tenth of each.
UNPACKED_BYTES_PER_CELL = 40
TEXT_CHARS_PER_CELL = 16
#: Parts every workbook has, whatever its size (styles, theme): allowed on top of the budget.
FIXED_PARTS_BYTES = 4 * 1024 * 1024

_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class XlsxLimitExceeded(Exception):
    """Raised with ``reason`` "rows", "columns" or "size"; the reader turns it into a message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    rows: int  # the last row a sheet may use, as Excel numbers it
    columns: int

    @property
    def unpacked_bytes(self) -> int:
        return self.rows * self.columns * UNPACKED_BYTES_PER_CELL + FIXED_PARTS_BYTES

    @property
    def text_chars(self) -> int:
        return self.rows * self.columns * TEXT_CHARS_PER_CELL


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Budget:
    """Bytes the parts may still inflate to, shared by every part of the workbook."""

    def __init__(self, left: int):
        self.left = left

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise XlsxLimitExceeded("size")


def _member_stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget):
    """The inflated bytes of ``info``, chunk by chunk, read from the raw deflate data rather
    than trusting the size the zip declares; each chunk is paid for from ``budget``."""
    archive.fp.seek(info.header_offset)
    header = archive.fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    archive.fp.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
    else:
        raise zipfile.BadZipFile("unsupported compression")
    while remaining > 0:
        raw = archive.fp.read(min(_CHUNK, remaining))
        if not raw:
            break
        remaining -= len(raw)
        pending = raw
        while pending:
            if inflate is None:
                out, pending = pending, b""
            else:
                # At most a chunk out per call, so a bomb never inflates in one go.
                out = inflate.decompress(pending, _CHUNK)
                pending = inflate.unconsumed_tail
            budget.spend(len(out))
            if out:
                yield out
            if inflate is not None and inflate.eof:
                return


class _SheetScanner:
    """Expat handlers over one worksheet: the dimension, every cell's position, the shared
    text the cells use."""

    def __init__(self, limits: Limits, string_lengths: array, text_used: list[int]):
        self.limits = limits
        self.string_lengths = string_lengths
        self.text_used = text_used  # one counter shared by every sheet of the workbook
        self.row = 0
        self.column = 0
        self.in_value = False
        self.shared_cell = False
        self.value = []

    def start(self, name, attributes):
        name = _local(name)
        if name == "c":
            reference = attributes.get("r")
            if reference and (match := _CELL_REF.match(reference)):
                self.column = column_number(match[1])
                self._check(int(match[2]), self.column)
            else:
                self.column += 1
                self._check(self.row, self.column)
            self.shared_cell = attributes.get("t") == "s"
        elif name == "row":
            reference = attributes.get("r", "")
            self.row = int(reference) if reference.isdigit() else self.row + 1
            self.column = 0
            self._check(self.row, 1)
        elif name == "v" and self.shared_cell:
            self.in_value, self.value = True, []
        elif name == "dimension":
            for corner in attributes.get("ref", "").split(":"):
                if match := _CELL_REF.match(corner):
                    self._check(int(match[2]), column_number(match[1]))

    def end(self, name):
        if self.in_value and _local(name) == "v":
            self.in_value = False
            index = "".join(self.value).strip()
            if index.isdigit() and int(index) < len(self.string_lengths):
                self.text_used[0] += self.string_lengths[int(index)]
                if self.text_used[0] > self.limits.text_chars:
                    raise XlsxLimitExceeded("size")

    def text(self, data):
        if self.in_value:
            self.value.append(data)

    def _check(self, row: int, column: int) -> None:
        if row > self.limits.rows:
            raise XlsxLimitExceeded("rows")
        if column > self.limits.columns:
            raise XlsxLimitExceeded("columns")


# The fast path: the XML Excel, LibreOffice and openpyxl write (every row and cell with its
# ``r``, no namespace prefix) scanned with regular expressions, which run in C; anything else
# – or anything the counts do not account for – is scanned again with expat.
_ROW_END = b"</row>"
_PREFIXED_TAG = re.compile(rb"</?[A-Za-z_][\w.\-]*:")
_CELL_ROWS = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_CELL_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})\d')
_ROW_NUMBERS = re.compile(rb'<row r="(\d{1,7})"')
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
_SHARED_INDEXES = re.compile(
    rb'<c r="[A-Z]{1,3}\d{1,7}"(?: s="\d+")? t="s"(?: s="\d+")?><v>(\d+)</v>'
)


_OTHER_C_TAGS = re.compile(rb"<c[A-Za-z]")  # <col>, <cfRule>…: not cells
_OTHER_ROW_TAGS = re.compile(rb"<row[A-Za-z]")  # <rowBreaks>…: not rows


def _tags(part: bytes, opening: bytes, others: re.Pattern) -> int:
    """How many elements named by ``opening`` ("<c", "<row") start in ``part``, however
    their attributes are written; one pass, and a second only where other names share the
    prefix."""
    count = part.count(opening)
    if count:
        count -= len(others.findall(part))
    return count


def _fast_scan(stream, limits: Limits, string_lengths: array, text_used: list[int]) -> bool:
    """Scan a worksheet's XML; False when it is not in the shape this path understands."""
    carry = b""
    for chunk in itertools.chain(stream, [None]):
        if chunk is None:
            part, carry = carry, b""
        else:
            buffer = carry + chunk
            cut = buffer.rfind(_ROW_END)
            if cut < 0:
                if len(buffer) > 4 * 1024 * 1024:
                    return False  # no row ends where Excel would end one
                carry = buffer
                continue
            cut += len(_ROW_END)
            part, carry = buffer[:cut], buffer[cut:]
        # A prefixed row, cell or dimension ("<x:c") holds ":c", ":row" or ":dimension".
        if (b":c" in part or b":row" in part or b":dimension" in part) and _PREFIXED_TAG.search(
            part
        ):
            return False
        rows = _ROW_NUMBERS.findall(part)
        cell_rows = _CELL_ROWS.findall(part)
        # Every row and cell tag, however written, must be one the patterns read.
        if len(rows) != _tags(part, b"<row", _OTHER_ROW_TAGS):
            return False
        if len(cell_rows) != _tags(part, b"<c", _OTHER_C_TAGS):
            return False
        # Each number once (a row's cells share it), then as numbers.
        numbers = set(rows).union(cell_rows)
        if numbers and max(map(int, numbers)) > limits.rows:
            raise XlsxLimitExceeded("rows")
        columns = set(_CELL_COLUMNS.findall(part))
        if columns and max(map(column_number, map(bytes.decode, columns))) > limits.columns:
            raise XlsxLimitExceeded("columns")
        dimensions = []
        if b"<dimension" in part:
            dimensions = _DIMENSION.findall(part)
            if len(dimensions) != part.count(b"<dimension"):
                return False
        for dimension in dimensions:
            for corner in dimension.decode().split(":"):
                if match := _CELL_REF.match(corner):
                    if int(match[2]) > limits.rows:
                        raise XlsxLimitExceeded("rows")
                    if column_number(match[1]) > limits.columns:
                        raise XlsxLimitExceeded("columns")
        indexes = _SHARED_INDEXES.findall(part)
        # Any t="s" however spelt contains "s" or 's'; more of those than cells read: expat.
        quoted = part.count(b'"s"') + (part.count(b"'s'") if b"'" in part else 0)
        if len(indexes) != quoted:
            return False
        if indexes:
            try:
                text_used[0] += sum(map(string_lengths.__getitem__, map(int, indexes)))
            except IndexError:
                return False
            if text_used[0] > limits.text_chars:
                raise XlsxLimitExceeded("size")
    return True


def _parser(start=None, end=None, text=None):
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def no_doctype(*args):
        # A workbook part never needs a DTD; entities are the classic XML bomb.
        raise zipfile.BadZipFile("DOCTYPE in a workbook part")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _parse(parser, chunks) -> None:
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _shared_string_lengths(archive, info, budget) -> array:
    lengths = array("I")

    def start(name, attributes):
        if _local(name) == "si":
            lengths.append(0)

    def text(data):
        if lengths:
            lengths[-1] += len(data)

    _parse(_parser(start=start, text=text), _member_stream(archive, info, budget))
    return lengths


def _relationships(archive, infos, budget) -> list[tuple[str, str]]:
    """(type, part name) of each relationship of the workbook."""
    found = []
    rels = [info for info in infos if info.filename.lower() == "xl/_rels/workbook.xml.rels"]

    def start(name, attributes):
        if _local(name) == "Relationship":
            # Relative to xl/ or from the root: both readings, as a reader may try either.
            target = attributes.get("Target", "").lower()
            for name in (target.lstrip("/"), posixpath.join("xl", target.lstrip("/"))):
                found.append((attributes.get("Type", ""), posixpath.normpath(name)))

    for info in rels:
        _parse(_parser(start=start), _member_stream(archive, info, budget))
    return found


def check_xlsx(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Raise :class:`XlsxLimitExceeded` if reading ``archive`` could exceed ``limits``;
    ``zipfile.BadZipFile`` or ``expat.ExpatError`` if a part is not what it claims."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > limits.unpacked_bytes:
        raise XlsxLimitExceeded("size")
    # What the parts really inflate to, whatever the zip declares: each one read through once,
    # nothing kept, the total held to the same budget.
    budget = _Budget(limits.unpacked_bytes)
    relationships = _relationships(archive, infos, budget)
    shared_names = {"xl/sharedstrings.xml"} | {
        target for kind, target in relationships if kind.endswith("/sharedStrings")
    }
    # The sheets the workbook points to, wherever they are and whatever they are called, and
    # every other XML part (a part that holds no rows costs one quick pass).
    sheet_names = {target for kind, target in relationships if kind.endswith("/worksheet")}
    sheets, shared = [], []
    for info in infos:
        name = info.filename.lower()
        if name in shared_names:
            shared.append(info)
        elif name in sheet_names or name.endswith(".xml"):
            sheets.append(info)
        else:  # images, printer settings, macros: only their size matters
            for _chunk in _member_stream(archive, info, budget):
                pass
    string_lengths = array("I")
    for info in shared:
        string_lengths = _shared_string_lengths(archive, info, budget)
    text_used = [0]
    for info in sheets:
        used_before = text_used[0]
        spent_before = budget.left
        if _fast_scan(_member_stream(archive, info, budget), limits, string_lengths, text_used):
            continue
        text_used[0], budget.left = used_before, spent_before
        scanner = _SheetScanner(limits, string_lengths, text_used)
        _parse(
            _parser(start=scanner.start, end=scanner.end, text=scanner.text),
            _member_stream(archive, info, budget),
        )
