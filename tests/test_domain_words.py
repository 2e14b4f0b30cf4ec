"""The domain speaks in codes and facts (issue 10 item 4): no string under challenges/ or
storage/ carries Slack mrkdwn, code marks or a slash command. Docstrings and comments may
name code in backticks; a docstring may not name a slash command either."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bold in Slack: *words* with a letter (or a {fact}) just inside each star.
MARKUP = re.compile(
    r"`|<[@#!]|(?<![\w\\*])\*[A-Za-z{][^*\n]*[A-Za-z}.!?]\*|(?<![\w/])/(?:challenge|idea)\b"
)
SLASH = re.compile(r"(?<![\w/])/(?:challenge|idea)\b")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def markup_in(source: str) -> list[str]:
    """Each string (not a docstring) with markup, and each docstring naming a slash command."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pattern = SLASH if id(node) in docs else MARKUP
            if pattern.search(node.value):
                bad.append(f"line {node.lineno}: {node.value[:80]!r}")
    return bad


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(ROOT).as_posix() for d in ("challenges", "storage") for p in (ROOT / d).rglob("*.py")),
)  # fmt: skip
def test_no_markup_or_commands_in_the_domain(path):
    assert markup_in((ROOT / path).read_text()) == []


def test_the_check_finds_what_it_looks_for():
    planted = '''
def f():
    """Names `code` in a docstring: fine."""
    a = "Use `/idea mine`."
    b = f"Hello <@{user}>"
    c = "*bold* words"
    d = "see /challenge list"
'''
    assert len(markup_in(planted)) == 4
    assert markup_in('def g():\n    """What /challenge shortlist shows."""\n') != []
    assert markup_in('x = "£1,500 a year, 3 * 4 = 12"\n') == []
