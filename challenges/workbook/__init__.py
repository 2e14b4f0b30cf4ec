"""The fund panel's workbook: export (openpyxl, streaming) and the decisions round trip.

The names below load their module (and openpyxl, ~0.5 s) on first use, not when the
package is imported: a process that never touches a workbook never pays for it (start-up).
"""

import sys
from importlib import import_module
from importlib.abc import MetaPathFinder

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


class _NoNumPyForOpenpyxl(MetaPathFinder):
    """openpyxl imports NumPy if it can (openpyxl.compat.numbers), only to take NumPy numbers
    as cell values; the workbooks never hold any, and NumPy is 16 MB, a fifth of an export's
    memory. While that module loads, NumPy is not found, unless it is loaded already (then
    openpyxl takes it as before): `import numpy` anywhere else is untouched."""

    def find_spec(self, name, path=None, target=None):
        loading = sys.modules.get("openpyxl.compat.numbers")
        if name == "numpy" and loading is not None and not hasattr(loading, "NUMPY"):
            raise ModuleNotFoundError("not for openpyxl", name=name)
        return None


if not any(isinstance(f, _NoNumPyForOpenpyxl) for f in sys.meta_path):
    sys.meta_path.insert(0, _NoNumPyForOpenpyxl())


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
