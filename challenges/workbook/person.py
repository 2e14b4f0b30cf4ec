"""A person's data as a file: JSON, or a workbook with one sheet per section."""

import io
import json
from typing import Any

from openpyxl import Workbook

from challenges.privacy import PersonData
from challenges.workbook import cells
from challenges.workbook.cells import HEADER, cell


def as_json(data: PersonData) -> bytes:
    document = {"user_id": data.user_id, "name": data.name, **data.sections}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def _value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def as_workbook(data: PersonData) -> bytes:
    """One sheet per section, a header row of its fields; every text cell through `cells.cell`
    (nothing typed can become a formula)."""
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    for section, rows in data.sections.items():
        ws = wb.create_sheet(section.replace("_", " ").capitalize()[:31])
        columns = list(dict.fromkeys(k for row in rows for k in row))
        ws.append(
            [cell(ws, c.replace("_", " "), HEADER) for c in columns]
            or [cell(ws, "nothing held", HEADER)]
        )
        for row in rows:
            ws.append([cell(ws, _value(row.get(c))) for c in columns])
    wb.properties.title = f"Lair: data held about {data.user_id}"
    wb.properties.creator = "Lair"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def person_file(data: PersonData, *, xlsx: bool) -> tuple[str, bytes]:
    """(file name, content) of the person's data."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in data.user_id)
    if xlsx:
        return f"lair-person-{safe}.xlsx", as_workbook(data)
    return f"lair-person-{safe}.json", as_json(data)
