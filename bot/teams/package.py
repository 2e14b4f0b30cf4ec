"""The Teams app package an admin uploads (`lair teams package`): manifest.json (manifest
version 1.17) and the two icons Teams asks for, in a zip with every file at its root.

Nothing secret goes in: the manifest names the bot by its app id, which Teams shows anyone
who looks at the app. The icons are drawn here (a light bulb) and written as PNGs with zlib,
so the package needs no imaging library. The same arguments give the same bytes.
"""

from __future__ import annotations

import io
import json
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MANIFEST_VERSION = "1.17"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ACCENT = "#8A2432"  # a dragon's red; the colour icon's background
# The message action's command id (composeExtensions); Teams sends it back in
# composeExtension/fetchTask as value.commandId.
SUBMIT_AS_IDEA = "submit_as_idea"
# The package id, when not given, is derived from the bot's app id in this namespace: the same
# bot always gets the same package id, so uploading a new version replaces the app.
PACKAGE_NAMESPACE = uuid.UUID("6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b")

# Teams shows at most 10 commands per list. The 1:1 chat's list is what a person does for
# themselves, and the coordinator's private work (the workbook comes by file consent, which
# Teams allows only in the 1:1 chat; live counts and rankings are for the coordinator's eyes).
# The channel list is what is done where the round runs. Every command works when typed, in
# the list or not.
PERSONAL_COMMANDS = (
    ("idea", "Submit an idea to an open challenge"),
    ("idea mine", "Your ideas: edit or withdraw them, see their outcome"),
    ("home", "Open challenges, your votes left, ideas to score"),
    ("help", "What Lair does and how to take part"),
    ("challenge new", "Coordinators: create a challenge"),
    ("challenge list", "Coordinators: every challenge and its stage"),
    ("challenge status", "Coordinators: where a challenge is, with live counts [id]"),
    ("challenge edit", "Coordinators: change a challenge [id]"),
    ("challenge decide", "Coordinators: fund, don't fund or defer the shortlist [id]"),
    ("challenge export", "Coordinators: the fund panel's workbook, sent in this chat [id]"),
)
CHANNEL_COMMANDS = (
    ("idea", "Submit an idea to an open challenge"),
    ("idea help", "How to submit, vote and score"),
    ("help", "What Lair does and how to take part"),
    ("challenge new", "Coordinators: create a challenge run in this channel"),
    ("challenge list", "Coordinators: every challenge and its stage"),
    ("challenge advance", "Coordinators: move a challenge to its next stage [id]"),
    ("challenge shortlist", "Coordinators: add or remove shortlisted ideas [id]"),
    ("challenge panel", "Coordinators: set the panel: challenge panel [id] @name …"),
    ("challenge grant", "Coordinators: make someone a coordinator: challenge grant @name"),
    ("challenge help", "Every challenge command, with an example"),
)

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")  # fmt: skip


class PackageError(ValueError):
    """An option the package cannot be built with; the message is one line, fit to print."""


@dataclass(frozen=True)
class PackageOptions:
    app_id: str
    version: str
    package_id: str | None = None
    domain: str | None = None
    developer: str = "Lair"
    website: str | None = None

    def checked(self) -> PackageOptions:
        """The options with the package id filled in; PackageError names the first bad one."""
        if not GUID.match(self.app_id):
            raise PackageError(f"the app id {self.app_id!r} is not a GUID (the Microsoft app id "
                               "of the bot's Entra app registration)")  # fmt: skip
        if self.package_id is not None and not GUID.match(self.package_id):
            raise PackageError(f"--package-id {self.package_id!r} is not a GUID")
        if not SEMVER.match(self.version):
            raise PackageError(f"--version {self.version!r} should be three numbers, like 1.0.3")
        if self.domain is not None and not HOST.match(self.domain):
            raise PackageError(f"--domain {self.domain!r} should be a host name, like "
                               "lair.anytown.gov.uk")  # fmt: skip
        if not 0 < len(self.developer) <= 32:
            raise PackageError("--developer should be 1 to 32 characters")
        if self.website is not None and not self.website.lower().startswith("https://"):
            raise PackageError(f"--website {self.website!r} should start with https://")
        package_id = self.package_id or str(uuid.uuid5(PACKAGE_NAMESPACE, self.app_id.lower()))
        return PackageOptions(self.app_id.lower(), self.version, package_id.lower(),
                              self.domain and self.domain.lower(), self.developer, self.website)  # fmt: skip


def host_of(value: str) -> str:
    """The host of `value`, which may be a host name or an address (https://host/api/messages)."""
    if "://" in value:
        value = value.split("://", 1)[1]
    return value.split("/", 1)[0].split(":", 1)[0]


def manifest(options: PackageOptions) -> dict:
    """manifest.json for `options` (checked)."""
    app_id = options.app_id
    website = options.website or (f"https://{options.domain.lstrip('*.')}/" if options.domain
                                   else "https://www.example.com/")  # fmt: skip
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": options.version,
        "id": options.package_id,
        "developer": {"name": options.developer, "websiteUrl": website, "privacyUrl": website,
                      "termsOfUseUrl": website},
        "name": {"short": "Lair", "full": "Lair — Dragon's Lair innovation challenges"},
        "description": {
            "short": "Dragon's Lair innovation challenges: ideas, votes, a panel, decisions",
            "full": (
                "Lair runs Dragon's Lair innovation challenges for councils and public bodies. "
                "A coordinator sets a challenge; staff submit ideas and vote for the ones they "
                "back (the ballot is secret); a panel of Dragons scores the shortlist in a "
                "channel's threads; the coordinator decides what to fund and gets the fund "
                "panel's workbook. Chat with Lair, or @mention it in a channel: idea, "
                "idea mine, home, help, challenge help."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [{
            "botId": app_id,
            "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": True,
            "isNotificationOnly": False,
            "commandLists": [
                {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                {"scopes": ["team", "groupChat"], "commands": _commands(CHANNEL_COMMANDS)},
            ],
        }],
        "composeExtensions": [{
            "botId": app_id,
            "commands": [{
                "id": SUBMIT_AS_IDEA, "type": "action", "title": "Submit as idea",
                "description": "Open the idea form filled in from this message",
                "context": ["message"], "fetchTask": True,
            }],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [options.domain] if options.domain else [],
        "webApplicationInfo": {"id": app_id, "resource": f"api://botid-{app_id}"},
        "authorization": {"permissions": {"resourceSpecific": [
            {"name": "ChannelMessage.Read.Group", "type": "Application"},
        ]}},
    }  # fmt: skip


def _commands(commands) -> list[dict]:
    return [{"title": title, "description": description} for title, description in commands]


def build(options: PackageOptions) -> bytes:
    """The zip an admin uploads: manifest.json, color.png, outline.png at its root."""
    files = {
        "manifest.json": json.dumps(manifest(options), indent=2, ensure_ascii=False).encode() + b"\n",
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            # A fixed date: the same options give the same bytes.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def write(options: PackageOptions, path: Path) -> None:
    path.write_bytes(build(options))


# --- the icons -------------------------------------------------------------------------------


def _bulb(x: float, y: float) -> bool:
    """A light bulb in the unit square (y down): the glass, its neck, two bands of the cap."""
    glass = (x - 0.5) ** 2 + (y - 0.37) ** 2 <= 0.30**2
    neck = 0.36 <= x <= 0.64 and 0.55 <= y <= 0.72
    bands = 0.38 <= x <= 0.62 and (0.76 <= y <= 0.82 or 0.87 <= y <= 0.93)
    return glass or neck or bands


def _coverage(shape: Callable[[float, float], bool], size: int, inset: float, samples: int = 4):
    """For each pixel of a size×size image, the share of it `shape` covers (anti-aliasing by
    samples×samples points per pixel); the shape is drawn within `inset` of each edge."""
    span = 1 - 2 * inset
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(samples):
                v = ((py + (sy + 0.5) / samples) / size - inset) / span
                for sx in range(samples):
                    u = ((px + (sx + 0.5) / samples) / size - inset) / span
                    hits += shape(u, v)
            row.append(hits / samples**2)
        rows.append(row)
    return rows


def color_icon() -> bytes:
    """192×192, opaque: a white bulb on the accent colour, within Teams' 96-pixel safe area
    (Teams crops the colour icon's corners)."""
    r, g, b = (int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))
    rows = _coverage(_bulb, 192, inset=0.25)
    return png(192, [[(round(r + (255 - r) * c), round(g + (255 - g) * c),
                       round(b + (255 - b) * c), 255) for c in row] for row in rows])  # fmt: skip


def outline_icon() -> bytes:
    """32×32: the bulb in white on a transparent background, as Teams asks."""
    rows = _coverage(_bulb, 32, inset=0.03)
    return png(32, [[(255, 255, 255, round(255 * c)) for c in row] for row in rows])


def png(size: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """A size×size RGBA PNG (8 bits a channel, no filtering)."""
    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))  # fmt: skip
