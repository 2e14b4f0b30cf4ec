"""The fund panel's workbook: export (openpyxl, streaming) and the decisions round trip.

The names below load their module (and openpyxl, ~0.5 s) on first use, not when the
package is imported: a process that never touches a workbook never pays for it (start-up).
"""

from importlib import import_module

_WHERE = {
    "Export": "export",
    "export_workbook": "export",
    "ImportPreview": "importer",
    "WorkbookRejected": "importer",
    "cancel_import": "importer",
    "check_sender": "importer",
    "confirm_import": "importer",
    "stage_import": "importer",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
