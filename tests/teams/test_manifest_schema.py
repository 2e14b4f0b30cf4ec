"""A hand-written Lair manifest validates against Microsoft's Teams manifest schema (v1.17)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft7Validator, validators

SCHEMA = json.loads(
    (Path(__file__).parent / "schema" / "MicrosoftTeams.v1.17.schema.json").read_text()
)
APP_ID = "3c2d6a1e-8b9f-4f7a-a1d2-5e6f7a8b9c0d"

MANIFEST = {
    "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
    "manifestVersion": "1.17",
    "version": "1.0.0",
    "id": APP_ID,
    "developer": {"name": "Lair", "websiteUrl": "https://lair.example", "privacyUrl": "https://lair.example/privacy",
                  "termsOfUseUrl": "https://lair.example/terms"},
    "name": {"short": "Lair", "full": "Lair: Dragon's Lair innovation challenges"},
    "description": {"short": "Run Dragon's Lair innovation challenges in Teams",
                    "full": "Create a challenge, collect ideas, vote, score on a panel and decide, in Teams."},
    "icons": {"color": "color.png", "outline": "outline.png"},
    "accentColor": "#4F2D7F",
    "bots": [{
        "botId": APP_ID, "scopes": ["personal", "team"], "supportsFiles": True, "isNotificationOnly": False,
        "commandLists": [
            {"scopes": ["personal"], "commands": [
                {"title": "idea", "description": "Submit an idea"},
                {"title": "idea mine", "description": "Your ideas and their outcomes"},
                {"title": "challenge new", "description": "Create a challenge (coordinators)"},
                {"title": "home", "description": "What is open, your votes and ideas to score"}]},
            {"scopes": ["team"], "commands": [
                {"title": "idea help", "description": "How to take part"},
                {"title": "challenge status", "description": "Where the challenge is"}]},
        ],
    }],
    "composeExtensions": [{
        "botId": APP_ID,
        "commands": [{"id": "submitAsIdea", "type": "action", "title": "Submit as idea", "context": ["message"],
                      "fetchTask": True, "description": "Open the idea form pre-filled from this message"}],
    }],
    "permissions": ["identity", "messageTeamMembers"],
    "validDomains": ["lair.example"],
    "webApplicationInfo": {"id": APP_ID, "resource": "https://RscBasedStoreApp"},
    "authorization": {"permissions": {"resourceSpecific": [
        {"name": "ChannelMessage.Read.Group", "type": "Application"}]}},
}  # fmt: skip


# The schema says draft-04 but pins manifestVersion with `const` (draft-06), which draft-04 ignores;
# Microsoft's own tooling validates with ajv, which knows `const`. So does this validator.
ManifestValidator = validators.extend(
    Draft4Validator, {"const": Draft7Validator.VALIDATORS["const"]}
)


def errors(manifest: dict) -> list[str]:
    return sorted(e.message for e in ManifestValidator(SCHEMA).iter_errors(manifest))


def test_the_schema_is_a_valid_draft_4_schema():
    Draft4Validator.check_schema(SCHEMA)


def test_a_lair_manifest_validates():
    assert errors(MANIFEST) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [(("authorization", "permissions", "resourceSpecific", 0, "type"), "Group"),
     (("composeExtensions", 0, "commands", 0, "context"), ["everywhere"]),
     (("bots", 0, "supportsFiles"), "yes"),
     (("manifestVersion",), "1.16"),
     (("id",), "not-a-guid")],
)  # fmt: skip
def test_a_broken_manifest_is_refused(path, value):
    broken = copy.deepcopy(MANIFEST)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors(broken)
