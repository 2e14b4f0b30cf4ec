"""`lair teams package` builds the app package an admin uploads: run as a real process in an empty
folder with a clean environment, its manifest checked against Microsoft's schema (v1.17)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.teams.test_manifest_schema import errors

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "3c2d6a1e-8b9f-4f7a-a1d2-5e6f7a8b9c0d"
SECRETS = {"TEAMS_APP_PASSWORD": "teams~s3cret.Zq8Qv~never-in-a-package",
           "SLACK_BOT_TOKEN": "xoxb-1-never-in-a-package", "SLACK_SIGNING_SECRET": "sig-never-in-a-package"}  # fmt: skip
EVERY_COMMAND = {"idea", "idea mine", "idea help", "home", "help"} | {
    f"challenge {sub}" for sub in ("new", "list", "status", "edit", "advance", "shortlist",
                                   "panel", "decide", "export", "grant", "help")}  # fmt: skip


def lair(tmp: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m bot …` in `tmp` (no .env there or above it) with nothing from our environment
    but PATH."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
             "PYTHONPATH": str(ROOT), **env}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp, env=clean,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The package built from TEAMS_APP_ID in the environment, beside every secret Lair knows."""
    tmp = tmp_path_factory.mktemp("package")
    result = lair(tmp, "teams", "package", "-o", "lair-teams.zip", "--version", "1.2.3",
                  "--domain", "https://lair.anytown.gov.uk/api/messages",
                  TEAMS_APP_ID=APP_ID, **SECRETS)  # fmt: skip
    assert result.returncode == 0, result.stderr
    zipped = (tmp / "lair-teams.zip").read_bytes()
    with zipfile.ZipFile(tmp / "lair-teams.zip") as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    return result, zipped, files


def png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGBA rows of a PNG, every chunk's CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour, interlace) == (8, 6, 0)  # 8-bit RGBA, not interlaced
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + 4 * width
    assert len(raw) == stride * height
    assert all(raw[y * stride] == 0 for y in range(height))  # filter "none" on every row
    return width, height, [raw[y * stride + 1 : (y + 1) * stride] for y in range(height)]


def test_the_package_holds_a_manifest_and_two_icons_at_its_root(built):
    result, _, files = built
    assert sorted(files) == ["color.png", "manifest.json", "outline.png"]
    assert "lair-teams.zip" in result.stdout and "Upload" in result.stdout


def test_the_manifest_validates_against_the_teams_schema(built):
    manifest = json.loads(built[2]["manifest.json"])
    assert manifest["manifestVersion"] == "1.17"
    assert errors(manifest) == []


def test_the_manifest_names_the_bot_and_what_it_may_do(built):
    manifest = json.loads(built[2]["manifest.json"])
    assert manifest["version"] == "1.2.3"
    assert manifest["id"] != APP_ID  # the package's own id, derived from the app id
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is True
    assert manifest["validDomains"] == ["lair.anytown.gov.uk"]
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": f"api://botid-{APP_ID}"}
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "ChannelMessage.Read.Group", "type": "Application"}
    ]
    assert manifest["developer"]["websiteUrl"] == "https://lair.anytown.gov.uk/"
    assert manifest["name"]["full"] == "Lair — Dragon's Lair innovation challenges"


def test_the_command_menus_offer_lairs_own_commands_ten_at_most(built):
    lists = {tuple(entry["scopes"]): [c["title"] for c in entry["commands"]]
             for entry in json.loads(built[2]["manifest.json"])["bots"][0]["commandLists"]}  # fmt: skip
    personal, channel = lists[("personal",)], lists[("team", "groupChat")]
    for titles in (personal, channel):
        assert len(titles) == len(set(titles)) <= 10
        assert set(titles) <= EVERY_COMMAND
    # Everyone's commands in both; the workbook comes by file consent, which Teams allows in
    # the 1:1 chat only; the panel is set where the round runs.
    assert {"idea", "help"} <= set(personal) & set(channel)
    assert {"idea mine", "home", "challenge export", "challenge decide"} <= set(personal)
    assert {"challenge panel", "challenge new", "challenge advance"} <= set(channel)
    assert "challenge export" not in channel


def test_submit_as_idea_is_a_message_action_that_opens_a_dialog(built):
    (extension,) = json.loads(built[2]["manifest.json"])["composeExtensions"]
    assert extension["botId"] == APP_ID
    (command,) = extension["commands"]
    assert {k: command[k] for k in ("id", "type", "title", "context", "fetchTask")} == {
        "id": "submit_as_idea", "type": "action", "title": "Submit as idea",
        "context": ["message"], "fetchTask": True,
    }  # fmt: skip


def test_the_icons_are_the_sizes_teams_asks_for(built):
    files = built[2]
    width, height, rows = png(files["color.png"])
    assert (width, height) == (192, 192)
    assert all(row[3::4] == b"\xff" * 192 for row in rows)  # opaque
    width, height, rows = png(files["outline.png"])
    assert (width, height) == (32, 32)
    pixels = [row[i : i + 4] for row in rows for i in range(0, len(row), 4)]
    assert all(p[:3] == b"\xff\xff\xff" for p in pixels if p[3])  # white wherever drawn
    assert sum(p[3] == 0 for p in pixels) > 300 and sum(p[3] == 255 for p in pixels) > 100
    assert rows[0][3::4] == b"\x00" * 32  # a transparent background


def test_no_secret_reaches_the_package_or_the_output(built):
    result, zipped, files = built
    seen = [zipped, *files.values(), result.stdout.encode(), result.stderr.encode()]
    for secret in SECRETS.values():
        assert not any(secret.encode() in blob for blob in seen), secret


def test_the_same_app_gives_the_same_package_loading_neither_domain_nor_sdk(built, tmp_path):
    """Built in process from --app-id (no settings read): the same bytes, and neither the
    domain, nor the Teams SDK, nor openpyxl imported — nor by `lair --help`."""
    code = (
        "import json, sys\n"
        "from bot.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = {'help': sorted(m for m in sys.modules if m.split('.')[0] in FORBIDDEN)}\n"
        "code = main(['teams', 'package', '-o', 'again.zip', '--version', '1.2.3', '--domain',\n"
        "             'lair.anytown.gov.uk', '--app-id', sys.argv[1]])\n"
        "loaded['package'] = sorted(m for m in sys.modules if m.split('.')[0] in FORBIDDEN)\n"
        "print(json.dumps([code, loaded]))\n"
    ).replace("FORBIDDEN", repr({"microsoft_teams", "openpyxl", "challenges", "storage"}))
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, APP_ID.upper()], cwd=tmp_path, env=clean,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    code, loaded = json.loads(result.stdout.splitlines()[-1])
    assert code == 0
    assert loaded == {"help": [], "package": []}
    assert (tmp_path / "again.zip").read_bytes() == built[1]


def test_a_package_id_can_be_given(tmp_path):
    package_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    result = lair(tmp_path, "teams", "package", "--app-id", APP_ID, "--package-id", package_id)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "lair-teams.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["id"] == package_id
    assert manifest["validDomains"] == []
    assert errors(manifest) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [((), "no app id"),
     (("--app-id", "not-a-guid"), "not a GUID"),
     (("--app-id", APP_ID, "--version", "1.0"), "--version"),
     (("--app-id", APP_ID, "--package-id", "12345"), "--package-id")],
)  # fmt: skip
def test_it_refuses_in_one_line_and_writes_nothing(tmp_path, args, says):
    result = lair(tmp_path, "teams", "package", *args, **SECRETS)
    assert result.returncode == 2
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert result.stderr.startswith("lair: ") and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_lair_teams_alone_still_serves():
    """`package` is an optional subcommand: `lair teams` on its own is the Teams server."""
    from bot.cli import parser

    assert vars(parser().parse_args(["teams"])) == {"command": "teams", "teams_command": None}
    assert parser().parse_args(["teams", "package"]).teams_command == "package"
