"""The core is easy to see: no import circles inside `challenges/` or `storage/`.

(The direction of imports — bot → challenges → storage — and "no chat platform SDK under
the core" are import-linter contracts in pyproject.toml, run by `lint-imports` in .ci/run.)
"""

import grimp
import pytest


def circles(package: str) -> list[tuple[str, str]]:
    """Pairs of modules of `package` that import each other, directly or through others."""
    graph = grimp.build_graph(package, include_external_packages=False)
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if graph.chain_exists(importer=imported, imported=module):
                found.append((module, imported))
    return found


@pytest.mark.parametrize("package", ["challenges", "storage"])
def test_no_import_circles(package):
    assert circles(package) == []
