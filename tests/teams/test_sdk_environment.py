"""What the Teams SDK takes from the process environment, and how to keep it from doing so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from microsoft_teams.api import ClientCredentials, ManagedIdentityCredentials, TokenCredentials
from microsoft_teams.api.auth.cloud_environment import CHINA

from bot.teams.sdk import SDK_ENVIRONMENT
from tests.teams.conftest import build_app

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def python_in(directory: Path, code: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in SDK_ENVIRONMENT}
    environment["PYTHONPATH"] = str(REPO)
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=directory, env=environment,
                            capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return result.stdout.strip()


def test_importing_the_sdk_loads_dotenv_into_the_environment_unless_undone(tmp_path):
    (tmp_path / ".env").write_text(
        "CLIENT_SECRET=from-dotenv\nLAIR_DATABASE_URL=sqlite:///leaked.db\n"
    )
    report = (
        "import os; print(os.environ.get('CLIENT_SECRET'), os.environ.get('LAIR_DATABASE_URL'))"
    )

    plain = python_in(tmp_path, f"import microsoft_teams.apps; {report}")
    guarded = python_in(tmp_path, f"import tests.teams.conftest; {report}")

    assert plain == "from-dotenv sqlite:///leaked.db"
    assert guarded == "None None"


def test_a_client_secret_in_the_environment_beats_the_token_provider_we_pass(
    connector, monkeypatch
):
    monkeypatch.setenv("CLIENT_SECRET", "somebody-elses-secret")
    token = build_app(connector)[0].options.token

    from microsoft_teams.apps import App

    leaked = App(client_id=connector.app_id, token=token)  # not cleared: CLIENT_SECRET wins
    cleared = build_app(connector)[0]

    assert isinstance(leaked.credentials, ClientCredentials)
    assert isinstance(cleared.credentials, TokenCredentials)


def test_without_a_secret_or_a_token_provider_the_sdk_assumes_a_managed_identity(connector):
    app = build_app(connector, token=None)[0]
    assert isinstance(app.credentials, ManagedIdentityCredentials)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CLIENT_ID", "00000000-0000-0000-0000-000000000000"), ("TENANT_ID", "another-tenant"),
     ("SERVICE_URL", "https://smba.example/elsewhere/"), ("CLOUD", "China")],
)  # fmt: skip
def test_each_variable_the_sdk_reads_is_used_when_the_setting_is_not_passed(
    connector, monkeypatch, variable, value
):
    from microsoft_teams.apps import App

    for name in SDK_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    app = App(
        token=lambda scope, tenant: "t", **({} if variable == "CLIENT_ID" else {"client_id": "x"})
    )
    seen = {"CLIENT_ID": app.id, "TENANT_ID": app.credentials and app.credentials.tenant_id,
            "SERVICE_URL": app.api.service_url + "/", "CLOUD": app.cloud is CHINA and "China"}  # fmt: skip
    assert seen[variable] == value
    explicit = build_app(connector, tenant_id=None)[0]
    assert (explicit.id, explicit.credentials.tenant_id, explicit.api.service_url + "/") == (
        connector.app_id, None, connector.service_url)  # fmt: skip
    assert explicit.cloud.openid_metadata_url == connector.openid_metadata_url
