"""No test reads a developer's `.env`: in-process Settings are told not to (tests/conftest.py),
and every subprocess a test starts runs in a directory of its own, never the repository's
(where a developer keeps `.env`)."""

import ast
from pathlib import Path

from bot.config import Settings

TESTS = Path(__file__).resolve().parent
STARTERS = {"run", "Popen", "check_output", "check_call", "call"}


def subprocess_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STARTERS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "subprocess"
        ):
            yield node


def test_every_subprocess_runs_outside_the_repository():
    found, wrong = 0, []
    for path in sorted(TESTS.rglob("*.py")):
        for call in subprocess_calls(ast.parse(path.read_text(), str(path))):
            found += 1
            cwd = next((k.value for k in call.keywords if k.arg == "cwd"), None)
            where = f"{path.relative_to(TESTS)}:{call.lineno}"
            if path.parent.name == "ci":
                continue  # the CI tools' own tests run tools, not Lair
            if cwd is None or (isinstance(cwd, ast.Name) and cwd.id == "ROOT"):
                wrong.append(where)
    assert found > 10  # the scan sees the process tests
    assert wrong == [], f"run these in a temporary directory: {wrong}"


def test_settings_in_tests_read_no_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-a-developers-dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert Settings().slack_bot_token is None
