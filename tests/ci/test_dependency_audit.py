"""Issue 14, item 7: the lock files pin what pyproject.toml asks for, with hashes, and
`.ci/audit` fails on a known vulnerability in them (here against a fake PyPI on port 0)."""

import json
import socket
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for every pin in a lock file."""
    pins: dict[str, tuple[str, int]] = {}
    text = path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line:
            continue
        requirement = line.split(" --hash", 1)[0]
        name, version = requirement.split(";", 1)[0].strip().split("==")
        pins[canonicalize_name(name)] = (version.strip(), line.count("--hash=sha256:"))
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", []), ("requirements-dev.lock", ["dev"])]
)
def test_the_lock_pins_everything_pyproject_asks_for_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *(r for e in extras for r in project["optional-dependencies"][e])]  # fmt: skip
    pins = locked(ROOT / lock)
    assert pins and all(hashes for _, hashes in pins.values()), "every pin needs its hashes"
    for line in wanted:
        requirement = Requirement(line)
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned, f"{requirement.name} is in pyproject.toml but not in {lock}: run .ci/lock"
        assert requirement.specifier.contains(pinned[0], prereleases=True), (
            f"{lock} pins {requirement.name} {pinned[0]}, outside {requirement.specifier}: run .ci/lock"
        )


def test_the_dev_lock_keeps_the_deployed_pins():
    deployed, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    assert {n: v for n, (v, _) in deployed.items()} == {n: dev[n][0] for n in deployed}


# .ci/audit against a fake PyPI --------------------------------------------------------


def vulnerability(vid: str, fixed_in=(), withdrawn=None) -> dict:
    return {"id": vid, "aliases": [], "summary": "a hole", "details": "", "fixed_in": list(fixed_in),
            "link": f"https://osv.dev/vulnerability/{vid}", "source": "osv", "withdrawn": withdrawn}  # fmt: skip


PROJECTS = {
    "clean": {"latest": "2.0", "vulnerabilities": []},
    "holed": {"latest": "1.5", "vulnerabilities": [vulnerability("PYSEC-0000-1", ["1.6"])]},
    "unfixed": {"latest": "0.19", "vulnerabilities": [vulnerability("GHSA-aaaa-bbbb-cccc")]},
    "withdrawn": {
        "latest": "1.0",
        "vulnerabilities": [vulnerability("PYSEC-0000-2", withdrawn="2026-01-01T00:00:00Z")],
    },  # fmt: skip
}


@pytest.fixture
def pypi():
    """PyPI's project JSON API for PROJECTS; 404 for anything else."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            project = PROJECTS.get(parts[1]) if len(parts) == 3 and parts[0] == "pypi" else None
            if project is None or parts[2] != "json":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps({"info": {"name": parts[1], "version": project["latest"]},
                               "vulnerabilities": project["vulnerabilities"]}).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def audit(tmp_path, pins: str, pypi: str, *args: str) -> subprocess.CompletedProcess:
    lock = tmp_path / "scratch.lock"
    lock.write_text(pins)
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "audit"), str(lock), "--pypi", pypi,
                           "--retry-wait", "0", *args], capture_output=True, text=True, timeout=60)  # fmt: skip


def test_clean_pins_pass(tmp_path, pypi):
    result = audit(tmp_path, "clean==2.0 \\\n    --hash=sha256:00\nwithdrawn==1.0\n", pypi)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 locked packages" in result.stdout and "no known vulnerabilities" in result.stdout


def test_a_vulnerable_pin_fails(tmp_path, pypi):
    result = audit(tmp_path, "clean==2.0\nholed==1.5 ; python_version >= '3.11'\n", pypi)
    assert result.returncode == 1
    assert (
        "holed 1.5" in result.stdout and "PYSEC-0000-1" in result.stdout and "1.6" in result.stdout
    )


def test_an_old_pin_fails_on_a_hole_still_open_in_the_latest_release(tmp_path, pypi):
    result = audit(tmp_path, "unfixed==0.13\n", pypi)
    assert result.returncode == 1 and "GHSA-aaaa-bbbb-cccc" in result.stdout


def test_an_old_pin_of_a_clean_project_is_named_as_partly_audited(tmp_path, pypi):
    result = audit(tmp_path, "clean==1.0\n", pypi)
    assert result.returncode == 0 and "clean 1.0 (latest 2.0)" in result.stdout


def test_a_vulnerability_can_be_accepted_by_id(tmp_path, pypi):
    result = audit(tmp_path, "unfixed==0.19\n", pypi, "--ignore", "GHSA-aaaa-bbbb-cccc")
    assert result.returncode == 0 and "ignored" in result.stdout


def test_a_package_pypi_does_not_know_fails_the_audit(tmp_path, pypi):
    result = audit(tmp_path, "clean==2.0\nnot-on-pypi==1.0\n", pypi)
    assert result.returncode == 2 and "not-on-pypi" in result.stderr


def test_pypi_unreachable_fails_loudly(tmp_path):
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        result = audit(tmp_path, "clean==2.0\n", url)
    assert (
        result.returncode == 2 and "could not" in result.stderr and "Traceback" not in result.stderr
    )
