"""Reading back what a template offers: each column's drop-down (data validation list)."""

import io
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter


@dataclass
class DropDown:
    values: list[str]
    style: str  # "stop" refuses another value, "warning" asks
    cells: str  # e.g. "B2:B20001"
    hidden_sheet: bool  # the list lives on a hidden sheet (too long to write inline)


def drop_downs(content: bytes) -> dict[str, DropDown]:
    """Header (without its "*") -> the drop-down on that column of the first sheet."""
    book = load_workbook(io.BytesIO(content))
    ws = book.worksheets[0]
    headers = {
        get_column_letter(cell.column): str(cell.value).rstrip("*") for cell in ws[1] if cell.value
    }
    found = {}
    for rule in ws.data_validations.dataValidation:
        assert rule.type == "list"
        cells = str(rule.sqref)
        letter = cells.split(":")[0].rstrip("0123456789")
        formula = rule.formula1
        if formula.startswith('"'):
            values, hidden = formula.strip('"').split(","), False
        else:
            sheet_name, ref = book.defined_names[formula].attr_text.split("!")
            sheet = book[sheet_name.strip("'")]
            hidden = sheet.sheet_state == "hidden"
            values = [row[0].value for row in sheet[ref.replace("$", "")]]
        found[headers[letter]] = DropDown(values, rule.errorStyle, cells, hidden)
    return found
