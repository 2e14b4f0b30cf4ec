"""The fund panel's workbook: export (openpyxl, streaming) and the decisions round trip."""

from challenges.workbook.export import Export, export_workbook
from challenges.workbook.importer import (
    ImportPreview,
    WorkbookRejected,
    cancel_import,
    confirm_import,
    stage_import,
)

__all__ = [
    "Export",
    "ImportPreview",
    "WorkbookRejected",
    "cancel_import",
    "confirm_import",
    "export_workbook",
    "stage_import",
]
