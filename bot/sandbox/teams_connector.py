"""A local fake of everything a Teams bot talks to, recording every call.

One stdlib HTTP server bound to 127.0.0.1 port 0 (optionally a second one with TLS, for MSAL,
which only accepts https authorities) serves:

- the Bot Framework OpenID metadata and its JWKS, with an RSA key made at start, so that the bot
  verifies inbound activity JWTs the fake signs (`token`, `bad_token`);
- the Entra token endpoint the bot gets its outbound token from (client credentials), with the
  tenant discovery document MSAL reads first; the secret is checked, never kept;
- the Bot Connector REST API at `service_url` (create conversation, send, reply in a thread, update,
  delete, members), answering like Teams, with per-conversation message logs in order;
- file consent uploads (PUT with Content-Range to an upload URL it hands out) and file downloads.

Scripting, as in FakeSlack: `fail_next` answers a status (optionally after the call took effect),
`rate_limit` applies Teams' per-conversation limits with 429 and Retry-After, `delay_reply` holds an
answer after the call took effect. `wait_for*` wait on a condition with a deadline.

The people, teams, channels and chats of one tenant live here too (`person`, `team`,
`personal_chat`), so that the activities a test sends (bot/sandbox/teams_requests.py) and the
answers the bot gets agree on every id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import itertools
import json
import math
import re
import ssl
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"  # the issuer of inbound activity tokens
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"  # what the bot asks a token for
BOT_NAME = "Lair"
TENANT_ID = "6f1c0b1e-5a4d-4c37-9d41-0c0a7f1e2b11"
APP_ID = "3c2d6a1e-8b9f-4f7a-a1d2-5e6f7a8b9c0d"
# Teams' limits per bot per conversation (thread): requests allowed in a window of seconds.
TEAMS_CONVERSATION_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))  # fmt: skip
WRITE_ROUTES = ("send", "reply", "update", "delete")
_PERSONAL_ID = re.compile(r"^a:1[0-9A-Za-z_-]+$")


def utc_stamp(at: float | None = None) -> str:
    """Teams' timestamp shape: 2024-01-11T09:00:00.123Z."""
    moment = dt.datetime.fromtimestamp(time.time() if at is None else at, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def base_conversation(conversation_id: str) -> str:
    """The conversation without its thread suffix (`19:…@thread.tacv2;messageid=123` → `19:…`)."""
    return conversation_id.split(";", 1)[0]


def thread_of(conversation_id: str) -> str | None:
    """The thread root a conversation id points into, if it has `;messageid=`."""
    match = re.search(r";messageid=(\d+)$", conversation_id)
    return match.group(1) if match else None


def _digest(*parts: str, length: int = 32) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:length]


# the world ---------------------------------------------------------------------------------
@dataclass
class Person:
    """Somebody in the tenant. `id` is the Teams user id the bot sees (29:…), per bot."""

    name: str
    aad_object_id: str
    id: str
    email: str
    tenant_id: str

    def account(self) -> dict:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def member(self) -> dict:
        """As the Connector's members API answers (TeamsChannelAccount)."""
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.id, "name": self.name, "aadObjectId": self.aad_object_id, "givenName": given,
            "surname": surname or None, "email": self.email, "userPrincipalName": self.email,
            "tenantId": self.tenant_id, "userRole": "user",
        }  # fmt: skip


@dataclass
class Channel:
    id: str
    name: str
    team: Team


@dataclass
class Team:
    """A team; its General channel has the team's own id, as in Teams."""

    id: str
    name: str
    aad_group_id: str
    tenant_id: str
    channels: list[Channel] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)

    @property
    def general(self) -> Channel:
        return self.channels[0]

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)


# records -----------------------------------------------------------------------------------
@dataclass
class Call:
    """One request the fake answered (or refused)."""

    route: str  # token, create_conversation, send, reply, update, delete, members, member, …
    method: str
    path: str
    body: Any
    conversation: str | None = None  # as addressed, with any ;messageid=
    activity_id: str | None = None
    bearer: str | None = None  # the token presented in Authorization, if any
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class TokenGrant:
    """A token the token endpoint issued. The secret is never kept: only whether it was right."""

    tenant: str
    client_id: str
    scope: str
    grant_type: str
    access_token: str
    expires_at: float


@dataclass
class Posted:
    """An activity that landed in a conversation."""

    id: str
    conversation: str  # base conversation id
    thread: str | None  # the thread root, for a reply in a channel thread
    activity: dict
    targeted_to: str | None = None  # a targeted message is seen by this user only
    deleted: bool = False
    versions: list[dict] = field(default_factory=list)  # earlier versions, oldest first
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str | None:
        return self.activity.get("text")

    @property
    def attachments(self) -> list[dict]:
        return list(self.activity.get("attachments") or [])

    @property
    def cards(self) -> list[dict]:
        """The Adaptive Cards it carries (their content)."""
        return [a.get("content") for a in self.attachments
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]  # fmt: skip


@dataclass
class Upload:
    name: str
    owner: str  # the Teams user id whose OneDrive it lands in
    size_expected: int | None = None
    content: bytearray = field(default_factory=bytearray)
    complete: bool = False
    item_id: str = field(default_factory=lambda: uuid.uuid4().hex.upper())


class SlidingWindows:
    """Requests allowed per window (seconds → count); says how long until the next is allowed."""

    def __init__(self, limits: Iterable[tuple[float, int]]):
        self.limits = tuple(limits)
        self.hits: deque[float] = deque()

    def take(self, now: float) -> float:
        longest = max(window for window, _ in self.limits)
        while self.hits and self.hits[0] <= now - longest:
            self.hits.popleft()
        wait = 0.0
        for window, count in self.limits:
            recent = [t for t in self.hits if t > now - window]
            if len(recent) >= count:
                wait = max(wait, recent[-count] + window - now)
        if wait <= 0:
            self.hits.append(now)
        return wait


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


# the fake --------------------------------------------------------------------------------
class FakeTeamsConnector:
    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        app_password: str | None = "fake-client-secret",
        tenant_id: str = TENANT_ID,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        require_auth: bool = True,
        token_lifetime: float = 3600.0,
        tls: bool = False,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password  # what the token endpoint accepts (None: any)
        self.tenant_id = tenant_id
        self.issuer = issuer
        self.require_auth = require_auth  # Connector calls need a token the fake issued
        self.token_lifetime = token_lifetime
        self.on_call = on_call
        self.lock = threading.RLock()
        self.kid = "lair-fake-" + uuid.uuid4().hex[:8]
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rogue_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.calls: list[Call] = []
        self.grants: list[TokenGrant] = []
        self.token_refusals: list[
            dict
        ] = []  # token requests refused (client id, tenant; no secret)
        self.posted: dict[str, list[Posted]] = {}  # base conversation id -> activities, in order
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # download id -> (name, content)
        self.people: dict[str, Person] = {}  # Teams user id -> person
        self.teams: dict[str, Team] = {}
        self.chats: dict[str, list[Person]] = {}  # personal / group chat id -> members
        self.blocked: set[str] = set()  # conversations where the bot is no longer installed
        self._failures: dict[str, list[tuple[int, dict, bool, str | None]]] = {}
        self._delays: dict[str, float] = {}
        self._held = threading.Condition(self.lock)
        self._limits: tuple[tuple[float, int], ...] | None = None
        self._windows: dict[str, SlidingWindows] = {}
        self.refused_for_rate: int = 0
        self._ids = itertools.count(1)
        self._last_message_id = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(secure=False))
        self.server.daemon_threads = True
        self.threads = [
            threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        ]
        self.tls_server: ThreadingHTTPServer | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        if tls:
            self._start_tls()

    # lifecycle -----------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def https_base(self) -> str:
        assert self.tls_server is not None, "FakeTeamsConnector(tls=True) serves https"
        return f"https://127.0.0.1:{self.tls_server.server_address[1]}"

    @property
    def service_url(self) -> str:
        """The Bot Connector base URL the fake hands out in activities (as Teams', ends in /)."""
        return f"{self.base}/smba/emea/"

    @property
    def openid_metadata_url(self) -> str:
        """For the SDK's CloudEnvironment.openid_metadata_url. The SDK does not read this document:
        it derives the JWKS address by replacing the trailing /openidconfiguration with /keys."""
        return f"{self.base}/botframework/v1/.well-known/openidconfiguration"

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/botframework/v1/.well-known/keys"

    @property
    def login_endpoint(self) -> str:
        """For CloudEnvironment.login_endpoint: tokens at {login_endpoint}/{tenant}/oauth2/v2.0/token."""
        return f"{self.base}/login"

    @property
    def https_login_endpoint(self) -> str:
        return f"{self.https_base}/login"

    @property
    def ca_file(self) -> str:
        """PEM of the self-signed certificate the TLS server presents (to trust it)."""
        assert self._tmp is not None, "FakeTeamsConnector(tls=True) has a certificate"
        return str(Path(self._tmp.name) / "fake-teams-ca.pem")

    def token_url(self, tenant: str | None = None, *, secure: bool = False) -> str:
        base = self.https_base if secure else self.base
        return f"{base}/login/{tenant or self.tenant_id}/oauth2/v2.0/token"

    def lair_settings(self) -> dict[str, str]:
        """The settings that point Lair for Teams at this fake (its app, its OpenID metadata,
        issuer and token endpoint), for `bot.config.Settings(**…)`."""
        return {
            "teams_app_id": self.app_id,
            "teams_app_password": self.app_password,
            "teams_openid_metadata_url": self.openid_metadata_url,
            "teams_token_issuer": self.issuer,
            "teams_login_endpoint": self.login_endpoint,
        }

    def start(self) -> FakeTeamsConnector:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in (self.server, self.tls_server):
            if server is not None:
                server.shutdown()
                server.server_close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> FakeTeamsConnector:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start_tls(self) -> None:
        now = dt.datetime.now(dt.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )  # fmt: skip
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-teams-")
        cert_file = Path(self.ca_file)
        key_file = Path(self._tmp.name) / "key.pem"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(self.key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.tls_server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(secure=True))
        self.tls_server.daemon_threads = True
        self.tls_server.socket = context.wrap_socket(self.tls_server.socket, server_side=True)
        self.threads.append(
            threading.Thread(target=self.tls_server.serve_forever, args=(0.05,), daemon=True)
        )

    # the world -----------------------------------------------------------------------
    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id}"

    def bot_account(self) -> dict:
        return {"id": self.bot_id, "name": BOT_NAME}

    def person(self, name: str, *, tenant_id: str | None = None) -> Person:
        """Somebody in the tenant (the same name gives the same person)."""
        tenant = tenant_id or self.tenant_id
        aad = str(uuid.UUID(_digest("aad", tenant, name)))
        teams_id = "29:1" + _digest("mri", self.app_id, aad, length=40)
        with self.lock:
            found = self.people.get(teams_id)
            if found is None:
                email = name.lower().replace(" ", ".") + "@council.example"
                found = self.people[teams_id] = Person(name, aad, teams_id, email, tenant)
            return found

    def team(
        self, name: str, channels: Iterable[str] = (), *, members: Iterable[Person] = ()
    ) -> Team:
        """A team with a General channel and the named others (the same name gives the same team)."""
        team_id = f"19:{_digest('team', name)}@thread.tacv2"
        with self.lock:
            team = self.teams.get(team_id)
            if team is None:
                team = self.teams[team_id] = Team(
                    team_id, name, str(uuid.UUID(_digest("group", name))), self.tenant_id
                )
                team.channels.append(Channel(team_id, "General", team))
            for channel_name in channels:
                if all(c.name != channel_name for c in team.channels):
                    channel_id = f"19:{_digest('channel', name, channel_name)}@thread.tacv2"
                    team.channels.append(Channel(channel_id, channel_name, team))
            for member in members:
                if member not in team.members:
                    team.members.append(member)
            return team

    def personal_chat(self, person: Person) -> str:
        """The bot's 1:1 chat with `person` (what create conversation answers, always the same)."""
        chat_id = "a:1" + _digest("chat", self.app_id, person.id, length=48)
        with self.lock:
            self.chats.setdefault(chat_id, [person])
        return chat_id

    def group_chat(self, people: Iterable[Person]) -> str:
        members = list(people)
        chat_id = f"19:{_digest('group', *sorted(p.id for p in members))}@thread.v2"
        with self.lock:
            self.chats.setdefault(chat_id, members)
        return chat_id

    def channel_of(self, conversation_id: str) -> Channel | None:
        base = base_conversation(conversation_id)
        for team in self.teams.values():
            for channel in team.channels:
                if channel.id == base:
                    return channel
        return None

    def members_of(self, conversation_id: str) -> list[Person]:
        base = base_conversation(conversation_id)
        with self.lock:
            if base in self.chats:
                return list(self.chats[base])
            channel = self.channel_of(base)
            if channel is not None:
                return list(channel.team.members)
            team = self.teams.get(base)
            return list(team.members) if team else []

    def uninstall(self, conversation_id: str) -> None:
        """The bot is removed from the conversation: writes there answer 403, as in Teams."""
        with self.lock:
            self.blocked.add(base_conversation(conversation_id))

    def next_message_id(self) -> str:
        """A Teams message id: the epoch milliseconds of the post, unique and increasing."""
        with self.lock:
            self._last_message_id = max(int(time.time() * 1000), self._last_message_id + 1)
            return str(self._last_message_id)

    # inbound tokens (what Teams signs) ------------------------------------------------
    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256", endorsements=["msteams"])
        return {"keys": [jwk]}

    def token(
        self,
        *,
        service_url: str | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        expires_in: float = 3600,
        not_before: float | None = None,
        signing_key: Any = None,
        kid: str | None = None,
        claims: dict | None = None,
        omit: Iterable[str] = (),
    ) -> str:
        """A Bot Framework token for an inbound activity, signed with the fake's key."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "serviceurl": service_url or self.service_url,
            "nbf": int(not_before if not_before is not None else now - 5),
            "exp": int(now + expires_in),
            "iat": now - 5,
            "iss": issuer or self.issuer,
            "aud": audience or self.app_id,
        }
        payload.update(claims or {})
        for name in omit:
            payload.pop(name, None)
        return jwt.encode(
            payload, signing_key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def bad_token(self, kind: str, **kw) -> str:
        """A token the bot must refuse: expired (well past the SDK's 300 s leeway), wrong_audience,
        wrong_issuer, forged (right kid, another key), unknown_kid, not_yet_valid, no_serviceurl,
        wrong_serviceurl."""
        makers: dict[str, Callable[[], str]] = {
            "expired": lambda: self.token(expires_in=-3600, **kw),
            "wrong_audience": lambda: self.token(audience=str(uuid.uuid4()), **kw),
            "wrong_issuer": lambda: self.token(issuer="https://attacker.example", **kw),
            "forged": lambda: self.token(signing_key=self.rogue_key, **kw),
            "unknown_kid": lambda: self.token(
                signing_key=self.rogue_key, kid="not-a-published-key", **kw
            ),
            "not_yet_valid": lambda: self.token(not_before=time.time() + 3600, **kw),
            "no_serviceurl": lambda: self.token(omit=("serviceurl",), **kw),
            "wrong_serviceurl": lambda: self.token(
                service_url="https://smba.attacker.example/emea/", **kw
            ),
        }
        return makers[kind]()

    # outbound tokens (what Entra issues the bot) ----------------------------------------
    def issued_tokens(self) -> list[TokenGrant]:
        with self.lock:
            return list(self.grants)

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (the Connector answers 401)."""
        with self.lock:
            for grant in self.grants:
                grant.expires_at = 0

    def _grant(self, tenant: str, form: dict[str, str]) -> dict:
        client_id = form.get("client_id", "")
        grant_type = form.get("grant_type", "")
        scope = form.get("scope", "")
        secret_ok = self.app_password is None or form.get("client_secret") == self.app_password
        if grant_type != "client_credentials" or client_id != self.app_id or not secret_ok:
            with self.lock:
                self.token_refusals.append({"tenant": tenant, "client_id": client_id, "grant_type": grant_type,
                                            "secret_given": bool(form.get("client_secret"))})  # fmt: skip
            raise _Refusal(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        now = time.time()
        access = jwt.encode(
            {"aud": scope.removesuffix("/.default"), "iss": f"https://sts.windows.net/{tenant}/",
             "appid": client_id, "tid": tenant, "iat": int(now), "nbf": int(now), "exp": int(now + self.token_lifetime)},
            self.key, algorithm="RS256", headers={"kid": self.kid},
        )  # fmt: skip
        with self.lock:
            self.grants.append(
                TokenGrant(tenant, client_id, scope, grant_type, access, now + self.token_lifetime)
            )
        return {"token_type": "Bearer", "expires_in": int(self.token_lifetime),
                "ext_expires_in": int(self.token_lifetime), "access_token": access}  # fmt: skip

    def _check_bearer(self, bearer: str | None) -> None:
        if not self.require_auth:
            return
        with self.lock:
            grant = next((g for g in self.grants if g.access_token == bearer), None)
        if grant is None or grant.expires_at <= time.time():
            raise _Refusal(401, "Unauthorized", "Authorization has been denied for this request.")
        if grant.scope != BOT_FRAMEWORK_SCOPE:
            raise _Refusal(
                401, "Unauthorized", "Token has the wrong audience for the Bot Connector."
            )

    # scripting -----------------------------------------------------------------------
    def fail_next(
        self,
        route: str,
        status: int,
        *,
        retry_after: float | None = None,
        times: int = 1,
        after_accept: bool = False,
        conversation: str | None = None,
    ) -> None:
        """The next `times` calls to `route` (in `conversation`, if given) answer `status`.
        `after_accept`: the call takes effect (the message lands) and still answers `status`."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self._failures.setdefault(route, []).extend(
                [(status, headers, after_accept, conversation)] * times
            )

    def rate_limit(
        self, limits: Iterable[tuple[float, int]] | None = TEAMS_CONVERSATION_LIMITS
    ) -> None:
        """Writes to a conversation beyond `limits` (seconds → count, per conversation, as Teams
        counts per thread) answer 429 with Retry-After. None turns limiting off."""
        with self.lock:
            self._limits = tuple(limits) if limits else None
            self._windows.clear()

    def delay_reply(self, route: str, seconds: float) -> None:
        """Calls to `route` take effect at once, but their answer is held for `seconds` (0: off)."""
        with self._held:
            self._delays[route] = seconds
            self._held.notify_all()  # answers held so far go out when the delay is lifted

    def reset(self) -> None:
        """Forget the calls and messages (not the world, nor the tokens)."""
        with self.lock:
            self.calls.clear()
            self.posted.clear()

    # reading -------------------------------------------------------------------------
    def calls_to(self, route: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.route == route]

    def messages(self, conversation: str | None = None, *, thread: str | None = None,
                 include_deleted: bool = False) -> list[Posted]:  # fmt: skip
        """What landed, oldest first: in `conversation` (base id or threaded id), everywhere when
        None; with `thread`, only that thread's replies (a threaded conversation id implies it)."""
        with self.lock:
            if conversation is None:
                found = [p for posts in self.posted.values() for p in posts]
                found.sort(key=lambda p: p.at)
            else:
                thread = thread or thread_of(conversation)
                found = list(self.posted.get(base_conversation(conversation), []))
                if thread is not None:
                    found = [p for p in found if p.thread == thread]
        return [p for p in found if include_deleted or not p.deleted]

    def top_level(self, conversation: str) -> list[Posted]:
        """The posts in a channel (thread roots) or the messages of a chat, oldest first."""
        return [p for p in self.messages(base_conversation(conversation)) if p.thread is None]

    def message(self, activity_id: str) -> Posted:
        with self.lock:
            for posts in self.posted.values():
                for post in posts:
                    if post.id == activity_id:
                        return post
        raise KeyError(activity_id)

    def wait_until(
        self, condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{what} not met within {timeout}s; calls: {[c.route for c in self.calls]}"
                )
            time.sleep(0.02)

    def wait_for(self, route: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """At least `count` calls to `route` (refused ones included)."""
        return self.wait_until(lambda: (found := self.calls_to(route)) and len(found) >= count and found,
                               timeout, f"{count} call(s) to {route}")  # fmt: skip

    def wait_for_messages(self, conversation: str | None = None, count: int = 1, *,
                          thread: str | None = None, timeout: float = 10.0) -> list[Posted]:  # fmt: skip
        return self.wait_until(
            lambda: (
                (found := self.messages(conversation, thread=thread))
                and len(found) >= count
                and found
            ),
            timeout,
            f"{count} message(s) in {conversation or 'any conversation'}",
        )

    def everything_sent(self) -> str:
        """Every request body the bot sent, as one string (for leak checks)."""
        with self.lock:
            return "\n".join(json.dumps(c.body, default=str) for c in self.calls)

    # files ---------------------------------------------------------------------------
    def upload_info(self, person: Person, name: str) -> dict:
        """What a file consent `accept` carries: where to PUT the file (in the user's OneDrive)."""
        upload = Upload(name=name, owner=person.id)
        slot = uuid.uuid4().hex
        with self.lock:
            self.uploads[slot] = upload
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        return {
            "name": name,
            "uploadUrl": f"{self.base}/upload/{slot}",
            "contentUrl": f"{self.base}/drive/{slot}/{name}",
            "uniqueId": upload.item_id,
            "fileType": ext,
        }

    def uploaded(self) -> list[Upload]:
        with self.lock:
            return [u for u in self.uploads.values() if u.complete]

    def add_file(self, name: str, content: bytes) -> dict:
        """A file a user sent the bot in a 1:1 chat: the attachment Teams puts on the message."""
        file_id = uuid.uuid4().hex
        with self.lock:
            self.files[file_id] = (name, content)
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        return {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "contentUrl": f"{self.base}/drive/{file_id}/{name}",
            "name": name,
            "content": {"downloadUrl": f"{self.base}/download/{file_id}", "uniqueId": file_id.upper(),
                        "fileType": ext},
        }  # fmt: skip

    # the Connector ---------------------------------------------------------------------
    def _land(self, conversation: str, activity: dict, *, thread: str | None) -> Posted:
        base = base_conversation(conversation)
        recipient = activity.get("recipient") or {}
        post = Posted(
            id=self.next_message_id(), conversation=base, thread=thread, activity=activity,
            targeted_to=recipient.get("id") if recipient.get("isTargeted") else None,
        )  # fmt: skip
        with self.lock:
            self.posted.setdefault(base, []).append(post)
        return post

    def _known(self, conversation: str) -> None:
        base = base_conversation(conversation)
        with self.lock:
            known = base in self.chats or self.channel_of(base) is not None
            blocked = base in self.blocked
        if not known:
            raise _Refusal(404, "ConversationNotFound", "Conversation not found.")
        if blocked:
            raise _Refusal(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )

    def _root_of(self, conversation: str, activity_id: str) -> str:
        """The thread a reply to `activity_id` goes in: its own thread, or it is the root."""
        for post in self.posted.get(base_conversation(conversation), []):
            if post.id == activity_id:
                return post.thread or post.id
        return activity_id

    def _send(
        self, conversation: str, activity: dict, *, reply_to: str | None, targeted: bool
    ) -> dict:
        self._known(conversation)
        if targeted and not (activity.get("recipient") or {}).get("id"):
            raise _Refusal(400, "BadArgument", "A targeted activity needs a recipient.")
        if targeted:
            activity = {**activity, "recipient": {**activity["recipient"], "isTargeted": True}}
        thread = thread_of(conversation)
        if self.channel_of(conversation) is not None:
            if reply_to is not None:
                thread = self._root_of(conversation, reply_to)
        else:
            thread = None  # chats have no threads
        post = self._land(conversation, activity, thread=thread)
        return {"id": post.id}

    def _create_conversation(self, body: dict) -> dict:
        channel_id = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        activity = body.get("activity")
        if channel_id:
            self._known(channel_id)
            if not activity:
                raise _Refusal(
                    400, "BadArgument", "Creating a channel conversation needs an activity."
                )
            post = self._land(channel_id, activity, thread=None)
            return {"id": f"{channel_id};messageid={post.id}", "activityId": post.id}
        members = body.get("members") or []
        if len(members) != 1 or body.get("isGroup"):
            raise _Refusal(
                400, "BadArgument", "Bots can only create 1:1 conversations or channel posts."
            )
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}).get(
            "id"
        )
        member_id = members[0].get("id", "")
        with self.lock:
            person = self.people.get(member_id) or next(
                (p for p in self.people.values() if p.aad_object_id == member_id), None
            )
        if person is None or tenant != person.tenant_id:
            raise _Refusal(
                403, "Forbidden", "The bot cannot reach this user (no app installed for them)."
            )
        chat_id = self.personal_chat(person)
        answer: dict[str, Any] = {"id": chat_id}
        if activity:
            answer["activityId"] = self._send(chat_id, activity, reply_to=None, targeted=False)[
                "id"
            ]
        return answer

    def _find(self, activity_id: str) -> Posted:
        try:
            return self.message(activity_id)
        except KeyError:
            raise _Refusal(404, "ActivityNotFound", "Activity not found.") from None

    def _update(self, conversation: str, activity_id: str, activity: dict) -> dict:
        self._known(conversation)
        post = self._find(activity_id)
        if post.conversation != base_conversation(conversation) or post.deleted:
            raise _Refusal(404, "ActivityNotFound", "Activity not found.")
        with self.lock:
            post.versions.append(post.activity)
            post.activity = activity
        return {"id": activity_id}

    def _delete(self, conversation: str, activity_id: str) -> dict:
        self._known(conversation)
        post = self._find(activity_id)
        if post.conversation != base_conversation(conversation):
            raise _Refusal(404, "ActivityNotFound", "Activity not found.")
        with self.lock:
            post.deleted = True
        return {}

    def _member(self, conversation: str, member_id: str) -> dict:
        for person in self.members_of(conversation):
            if member_id in (person.id, person.aad_object_id):
                return person.member()
        raise _Refusal(404, "MemberNotFound", "The user is not a member of this conversation.")

    def _limited(self, route: str, conversation: str | None) -> float:
        if route not in WRITE_ROUTES or conversation is None:
            return 0.0
        with self.lock:
            if self._limits is None:
                return 0.0
            key = conversation  # Teams counts per thread: a threaded id is its own bucket
            windows = self._windows.setdefault(key, SlidingWindows(self._limits))
            wait = windows.take(time.monotonic())
            if wait:
                self.refused_for_rate += 1
            return wait

    def _route(self, method: str, path: str, query: dict) -> tuple[str, str | None, str | None]:
        """(route, conversation, activity id) of a Connector path under the service URL."""
        service_path = urlsplit(self.service_url).path
        rest = path[len(service_path) :] if path.startswith(service_path) else None
        if rest is None:
            return "unknown", None, None
        parts = [unquote(p) for p in rest.strip("/").split("/")]
        if parts[:2] == ["v3", "conversations"]:
            if len(parts) == 2 and method == "POST":
                return "create_conversation", None, None
            conversation = parts[2] if len(parts) > 2 else None
            tail = parts[3:]
            if tail == ["members"] and method == "GET":
                return "members", conversation, None
            if tail == ["pagedMembers"] and method == "GET":
                return "paged_members", conversation, None
            if len(tail) == 2 and tail[0] == "members" and method == "GET":
                return "member", conversation, tail[1]
            if tail == ["activities"] and method == "POST":
                return "send", conversation, None
            if len(tail) == 2 and tail[0] == "activities":
                route = {"POST": "reply", "PUT": "update", "DELETE": "delete"}.get(
                    method, "unknown"
                )
                return route, conversation, tail[1]
            if len(tail) == 3 and tail[0] == "activities" and tail[2] == "members":
                return "activity_members", conversation, tail[1]
        if parts[:2] == ["v3", "teams"] and len(parts) >= 3:
            return ("channels" if parts[3:] == ["conversations"] else "team"), parts[2], None
        return "unknown", None, None

    def _answer(self, route: str, conversation: str | None, activity_id: str | None, body: Any,
                query: dict) -> tuple[int, Any]:  # fmt: skip
        targeted = (query.get("isTargetedActivity") or ["false"])[0].lower() == "true"
        if route == "create_conversation":
            return 201, self._create_conversation(body or {})
        assert conversation is not None
        if route == "send":
            return 201, self._send(
                conversation, body or {}, reply_to=(body or {}).get("replyToId"), targeted=targeted
            )
        if route == "reply":
            return 201, self._send(
                conversation, body or {}, reply_to=activity_id, targeted=targeted
            )
        if route == "update":
            return 200, self._update(conversation, activity_id or "", body or {})
        if route == "delete":
            return 200, self._delete(conversation, activity_id or "")
        if route in ("members", "activity_members"):
            self._known(conversation)
            return 200, [p.member() for p in self.members_of(conversation)]
        if route == "paged_members":
            self._known(conversation)
            return 200, {"members": [p.member() for p in self.members_of(conversation)]}
        if route == "member":
            self._known(conversation)
            return 200, self._member(conversation, activity_id or "")
        if route in ("team", "channels"):
            team = self.teams.get(conversation)
            if team is None:
                raise _Refusal(404, "NotFound", "Team not found.")
            if route == "team":
                return 200, {"id": team.id, "name": team.name, "aadGroupId": team.aad_group_id,
                             "memberCount": len(team.members), "channelCount": len(team.channels)}  # fmt: skip
            return 200, {"conversations": [{"id": c.id, "name": None if c.id == team.id else c.name}
                                           for c in team.channels]}  # fmt: skip
        raise _Refusal(404, "NotFound", "Unknown Connector route.")

    # HTTP --------------------------------------------------------------------------------
    def _handler(self, *, secure: bool):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

            def do_PUT(self):
                self._dispatch("PUT")

            def do_DELETE(self):
                self._dispatch("DELETE")

            # plumbing
            def _base(self) -> str:
                return fake.https_base if secure else fake.base

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _reply(
                self, status: int, body: Any, headers: dict | None = None, raw: bytes | None = None
            ) -> None:
                payload = (
                    raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
                )
                self.send_response(status)
                if raw is None and body is not None:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                elif raw is not None:
                    self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _dispatch(self, method: str) -> None:
                url = urlsplit(self.path)
                path, query = url.path, parse_qs(url.query)
                raw = self._body()
                auth = self.headers.get("Authorization") or ""
                bearer = (
                    auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
                )
                try:
                    if path.startswith("/botframework/"):
                        self._openid(path)
                    elif path.startswith("/login/"):
                        self._login(method, path, raw)
                    elif path.startswith("/upload/") and method == "PUT":
                        self._upload(path, raw, bearer)
                    elif path.startswith("/download/") and method == "GET":
                        self._download(path, bearer)
                    else:
                        self._connector(method, path, query, raw, bearer)
                except _Refusal as refusal:
                    body = ({"error": refusal.code, "error_description": refusal.message}
                            if path.startswith("/login/") else
                            {"error": {"code": refusal.code, "message": refusal.message}})  # fmt: skip
                    self._reply(refusal.status, body, refusal.headers)

            def _record(self, call: Call) -> None:
                with fake.lock:
                    fake.calls.append(call)

            def _scripted(
                self, route: str, conversation: str | None
            ) -> tuple[int, dict, bool] | None:
                with fake.lock:
                    queue = fake._failures.get(route) or []
                    for index, (status, headers, after_accept, only) in enumerate(queue):
                        if only is None or (
                            conversation
                            and base_conversation(conversation) == base_conversation(only)
                        ):
                            queue.pop(index)
                            return status, headers, after_accept
                return None

            def _openid(self, path: str) -> None:
                if path.endswith("/openidconfiguration"):
                    self._record(Call("openid", "GET", path, None, status=200))
                    self._reply(200, {
                        "issuer": fake.issuer, "authorization_endpoint": f"{self._base()}/botframework/v1/auth",
                        "jwks_uri": fake.jwks_url, "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    })  # fmt: skip
                elif path.endswith("/keys"):
                    self._record(Call("jwks", "GET", path, None, status=200))
                    self._reply(200, fake.jwks())
                else:
                    raise _Refusal(404, "NotFound", path)

            def _login(self, method: str, path: str, raw: bytes) -> None:
                parts = path.strip("/").split("/")  # login/{tenant}/...
                tenant = parts[1] if len(parts) > 1 else ""
                rest = "/".join(parts[2:])
                if method == "GET" and rest == "v2.0/.well-known/openid-configuration":
                    self._record(Call("tenant_discovery", "GET", path, None))
                    base = f"{self._base()}/login/{tenant}"
                    self._reply(200, {
                        "token_endpoint": f"{base}/oauth2/v2.0/token", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                        "issuer": f"https://login.microsoftonline.com/{tenant}/v2.0", "jwks_uri": f"{base}/discovery/v2.0/keys",
                    })  # fmt: skip
                    return
                if method == "GET" and rest == "discovery/v2.0/keys":
                    self._reply(200, fake.jwks())
                    return
                if method != "POST" or rest != "oauth2/v2.0/token":
                    raise _Refusal(404, "not_found", path)
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                recorded = {k: ("<given>" if k in ("client_secret", "client_assertion") else v)
                            for k, v in form.items()}  # fmt: skip
                call = Call("token", "POST", path, {**recorded, "tenant": tenant})
                self._record(call)
                scripted = self._scripted("token", None)
                if scripted:
                    call.status = scripted[0]
                    raise _Refusal(
                        scripted[0], "temporarily_unavailable", "Scripted failure.", scripted[1]
                    )
                answer = fake._grant(tenant, form)
                call.status = 200
                self._reply(200, answer)

            def _upload(self, path: str, raw: bytes, bearer: str | None) -> None:
                slot = path.split("/")[2]
                call = Call("upload", "PUT", path, {"size": len(raw), "range": self.headers.get("Content-Range")},
                            bearer=bearer)  # fmt: skip
                self._record(call)
                with fake.lock:
                    upload = fake.uploads.get(slot)
                if upload is None:
                    raise _Refusal(404, "itemNotFound", "The upload session does not exist.")
                scripted = self._scripted("upload", None)
                if scripted and not scripted[2]:
                    raise _Refusal(
                        scripted[0], "serviceNotAvailable", "Scripted failure.", scripted[1]
                    )
                match = re.fullmatch(
                    r"bytes (\d+)-(\d+)/(\d+)", self.headers.get("Content-Range") or ""
                )
                if match is None:
                    raise _Refusal(
                        400, "invalidRange", "Content-Range is required: bytes start-end/total."
                    )
                start, end, total = (int(g) for g in match.groups())
                if start != len(upload.content) or end - start + 1 != len(raw) or end >= total:
                    raise _Refusal(
                        416, "invalidRange", "The range does not follow the bytes received."
                    )
                with fake.lock:
                    upload.content.extend(raw)
                    upload.size_expected = total
                    upload.complete = len(upload.content) == total
                if not upload.complete:
                    call.status = 202
                    self._reply(202, {"nextExpectedRanges": [f"{len(upload.content)}-"]})
                    return
                call.status = 201
                self._reply(201, {"id": upload.item_id, "name": upload.name, "size": total, "file": {},
                                  "webUrl": f"{fake.base}/drive/{slot}/{upload.name}"})  # fmt: skip

            def _download(self, path: str, bearer: str | None) -> None:
                file_id = path.split("/")[2]
                self._record(Call("download", "GET", path, None, bearer=bearer))
                with fake.lock:
                    found = fake.files.get(file_id)
                if found is None:
                    raise _Refusal(404, "itemNotFound", "No such file.")
                self._reply(200, None, raw=found[1])

            def _connector(
                self, method: str, path: str, query: dict, raw: bytes, bearer: str | None
            ) -> None:
                route, conversation, activity_id = fake._route(method, path, query)
                body = None
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        body = raw.decode(errors="replace")
                call = Call(
                    route,
                    method,
                    path,
                    body,
                    conversation=conversation,
                    activity_id=activity_id,
                    bearer=bearer,
                )
                self._record(call)
                try:
                    fake._check_bearer(bearer)
                    if (
                        route in (*WRITE_ROUTES, "create_conversation")
                        and route != "delete"
                        and not isinstance(body, dict)
                    ):
                        raise _Refusal(400, "BadSyntax", "The body must be a JSON object.")
                    scripted = self._scripted(route, conversation)
                    if scripted and scripted[2]:
                        with contextlib.suppress(_Refusal):
                            fake._answer(route, conversation, activity_id, body, query)
                    if scripted:
                        raise _Refusal(scripted[0], "ServiceError" if scripted[0] >= 500 else "Throttled",
                                       "Scripted failure.", scripted[1])  # fmt: skip
                    wait = fake._limited(route, conversation)
                    if wait:
                        raise _Refusal(429, "Throttled", "Too many requests.",
                                       {"Retry-After": str(max(1, math.ceil(wait)))})  # fmt: skip
                    status, answer = fake._answer(route, conversation, activity_id, body, query)
                except _Refusal as refusal:
                    call.status = refusal.status
                    raise
                call.status = status
                if fake.on_call is not None:
                    fake.on_call(call)
                with fake._held:
                    delay = fake._delays.get(route, 0)
                    if delay:
                        until = time.monotonic() + delay
                        fake._held.wait_for(
                            lambda: not fake._delays.get(route) or time.monotonic() >= until, delay
                        )
                self._reply(status, answer)

        return Handler
