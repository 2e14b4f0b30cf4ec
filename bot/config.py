"""Settings from the environment or `.env` (see README, "Settings")."""

from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from challenges.clock import valid_timezone
from storage import normalise_url

README_HINT = "See README.md, section “Settings”."


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line, fit to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Many workspaces: Slack's OAuth install (instead of one SLACK_BOT_TOKEN).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    # Microsoft Teams (on when TEAMS_APP_ID is set); see README, "Lair in Microsoft Teams".
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_port: int = 3978
    teams_host: str = "0.0.0.0"
    teams_cloud: Literal["Public", "USGov", "USGovDoD", "China"] = "Public"
    teams_openid_metadata_url: str | None = None
    teams_token_issuer: str | None = None
    teams_login_endpoint: str | None = None
    database_url: str = "sqlite:///lair.db"
    port: int = 3000
    lair_timezone: str = "Europe/London"
    lair_coordinators: Annotated[frozenset[str], NoDecode] = frozenset()
    # Days after a round closes before its votes lose their voters (challenges/retention.py).
    lair_retention_days: int = Field(default=365, ge=1, le=36_500)

    @field_validator("lair_coordinators", mode="before")
    @classmethod
    def _split(cls, value) -> frozenset[str]:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return frozenset(value or ())

    @field_validator("slack_api_url")
    @classmethod
    def _slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        return normalise_url(value)

    @field_validator("lair_timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return valid_timezone(value)

    @property
    def slack(self) -> bool:
        """Slack is configured (one bot token, or an OAuth app for many workspaces)."""
        return bool(self.slack_bot_token or self.slack_client_id or self.slack_app_token)

    @property
    def teams(self) -> bool:
        return bool(self.teams_app_id)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces, each installed through Slack's OAuth flow."""
        return bool(self.slack_client_id)

    def require_slack(self) -> None:
        """Check what connecting to Slack needs; raise ConfigError naming the first gap."""
        token = _secret(self.slack_bot_token)
        if self.slack_oauth:
            self._require_oauth(token)
        elif not token:
            raise ConfigError(f"SLACK_BOT_TOKEN is not set. {README_HINT}")
        elif not token.startswith("xoxb-"):
            raise ConfigError(
                f"SLACK_BOT_TOKEN should be a bot token starting xoxb-. {README_HINT}"
            )
        if self.socket_mode:
            if not _secret(self.slack_app_token).startswith("xapp-"):
                raise ConfigError(
                    f"SLACK_APP_TOKEN should be an app-level token starting xapp-. {README_HINT}"
                )
        elif not _secret(self.slack_signing_secret):
            raise ConfigError(
                f"SLACK_SIGNING_SECRET is not set (needed in HTTP mode; set SLACK_APP_TOKEN for Socket Mode). {README_HINT}"
            )

    def require_teams(self) -> None:
        """Check what serving Teams needs; raise ConfigError naming the first gap."""
        if not self.teams_app_id:
            raise ConfigError(f"TEAMS_APP_ID is not set. {README_HINT}")

    def _require_oauth(self, token: str) -> None:
        if token:
            raise ConfigError(
                "Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
                f"SLACK_CLIENT_SECRET (installed in many workspaces), not both. {README_HINT}"
            )
        if not _secret(self.slack_client_secret):
            raise ConfigError(f"SLACK_CLIENT_SECRET is not set (SLACK_CLIENT_ID is). {README_HINT}")
        if not _secret(self.slack_state_secret):
            raise ConfigError(
                "SLACK_STATE_SECRET is not set (needed to install Lair in many workspaces; "
                f"any long random string). {README_HINT}"
            )
        if self.socket_mode:
            raise ConfigError(
                "Installing Lair in many workspaces needs HTTP mode (Slack sends installers to "
                f"/slack/install and /slack/oauth_redirect): unset SLACK_APP_TOKEN. {README_HINT}"
            )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""


def load_settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "a setting"
        raise ConfigError(
            f"{name}: {err['msg'].removeprefix('Value error, ')}. {README_HINT}"
        ) from None
