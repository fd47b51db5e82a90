"""Pure rules of the export: what a cell may hold."""

import re

# A cell whose text starts with one of these is read as a formula (or a DDE call) by some spreadsheet
# program; OWASP's CSV-injection advice is to make such text inert with a leading apostrophe.
FORMULA_START = frozenset("=+-@\t\r")
# Control characters XML 1.0 cannot hold (openpyxl refuses them); tab, newline and CR are allowed.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's limits: characters in a cell, rows in a sheet.
MAX_CELL_CHARS = 32767
MAX_SHEET_ROWS = 1_048_576


def cell_text(value: str) -> str:
    """Text safe for a cell: never a formula, no character the file format cannot hold.

    The fast path (printable text not starting a formula) returns the same object: most cells take it.
    """
    if value and (value[0] in FORMULA_START or not value.isprintable()):
        value = _ILLEGAL_XML.sub("", value)
        if value and value[0] in FORMULA_START:
            value = "'" + value
    return value[:MAX_CELL_CHARS] if len(value) > MAX_CELL_CHARS else value
