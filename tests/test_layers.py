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


def test_the_domain_opens_transactions_only_through_its_context():
    """`ctx.transaction()` / `ctx.read()` scope the session to the acting person's workspace;
    `ctx.db.transaction()` would not, and a grant or a lookup would silently miss it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("challenges", "bot")
        for path in sorted((root / folder).rglob("*.py"))
        if "sandbox" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "ctx.db.transaction(" in line or "ctx.db.read(" in line or "ctx.db.run(" in line
    ]
    assert found == []
