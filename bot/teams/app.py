"""Lair's Teams bot: the Teams SDK app behind Lair's own FastAPI (with /healthz), every
activity admitted to its workspace first, then handed to the synchronous handlers
(bot/teams/handlers.py) on a worker thread — the event loop never waits on the database.

Teams answers an invoke (a button, a dialog) with what the handler returns, and a message
only when its handler has returned; anything that fans out to others (announcements,
cards) goes through the outbox, which the worker sends after the answer.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from microsoft_teams.api import AdaptiveCardActionMessageResponse, MessageActivityInput
from sqlalchemy import text

from bot.teams import handlers
from bot.teams.sdk import BotToken, cloud_of, make_app
from bot.teams.turn import Doorkeeper, Refused, Turn
from challenges.context import Context

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # Teams' activities are far smaller; anything bigger is refused


class TeamsBot:
    def __init__(self, settings, ctx: Context, *, kick=lambda: None):
        self.settings = settings
        self.ctx = ctx
        self.kick = kick
        self.doorkeeper = Doorkeeper(ctx, tenant_id=settings.teams_tenant_id)
        self.token = BotToken(
            cloud_of(settings), settings.teams_app_id,
            settings.teams_app_password.get_secret_value() if settings.teams_app_password else None,
            settings.teams_tenant_id,
        )  # fmt: skip
        self.fastapi = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        self._health_and_limits()
        self.app = make_app(settings, fastapi=self.fastapi, token=self.token)
        self._register()

    async def initialize(self) -> None:
        await self.app.initialize()

    # HTTP around the SDK -----------------------------------------------------------
    def _health_and_limits(self) -> None:
        @self.fastapi.get("/healthz")
        async def healthz():
            try:
                await asyncio.to_thread(self._database_answers)
            except Exception as exc:
                log.warning("health check: database unreachable (%s)", type(exc).__name__)
                return JSONResponse({"status": "database unreachable"}, status_code=503)
            return JSONResponse({"status": "ok"})

        @self.fastapi.middleware("http")
        async def limit_body(request: Request, call_next):
            # The SDK parses the body before it checks the token: refuse a large one first.
            length = request.headers.get("content-length")
            if request.method == "POST" and (
                length is None or not length.isdigit() or int(length) > MAX_BODY_BYTES
            ):
                log.info("refused a POST to %s without a small Content-Length", request.url.path)
                return PlainTextResponse("request too large", status_code=413)
            return await call_next(request)

    def _database_answers(self) -> None:
        with self.ctx.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # admission -----------------------------------------------------------------------
    async def _turn(self, activity, *, adding_lair: bool = False) -> Turn | None:
        try:
            return await asyncio.to_thread(self.doorkeeper.admit, activity, adding_lair=adding_lair)
        except Refused as refused:
            log.warning("refused a Teams activity (%s): %s", activity.type, refused.reason)
            return None

    async def _run(self, fn, *args):
        """A synchronous handler on a worker thread; the outbox is kicked after it."""
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self.kick()

    # handlers ----------------------------------------------------------------------
    def _register(self) -> None:
        app = self.app

        @app.on_message
        async def on_message(ctx):
            activity = ctx.activity
            turn = await self._turn(activity)
            if turn is None:
                if activity.conversation.conversation_type == "personal":
                    await ctx.send(handlers.not_installed())
                return
            mentioned = activity.is_recipient_mentioned()
            said = activity.strip_mentions_text().text or "" if mentioned else activity.text or ""
            replies = await self._run(handlers.on_message, turn, said, mentioned,
                                      _mentions(activity), _files(activity))  # fmt: skip
            await self._deliver(ctx, turn, replies)

        @app.on_card_action
        async def on_card_action(ctx):
            turn = await self._turn(ctx.activity)
            if turn is None:
                return AdaptiveCardActionMessageResponse(value=handlers.NOT_INSTALLED)
            action = ctx.activity.value.action
            answer, replies = await self._run(handlers.on_card_action, turn, action.verb or "",
                                              dict(action.data or {}))  # fmt: skip
            await self._deliver(ctx, turn, replies)
            return answer

        @app.on_install_add
        async def on_install_add(ctx):
            turn = await self._turn(ctx.activity, adding_lair=True)
            if turn is not None:
                await self._deliver(ctx, turn, await self._run(handlers.on_added, turn))

        @app.on_conversation_update
        async def on_conversation_update(ctx):
            activity = ctx.activity
            added = [m.id for m in activity.members_added or []]
            turn = await self._turn(activity, adding_lair=activity.recipient.id in added)
            if turn is not None and activity.recipient.id in added:
                await self._deliver(ctx, turn, await self._run(handlers.on_added, turn))

    # answers -------------------------------------------------------------------------
    async def _deliver(self, ctx, turn: Turn, replies: list[handlers.Reply]) -> None:
        """Each reply in the conversation it came from, or (private) in the person's own chat."""
        for reply in replies:
            if reply.private and not turn.personal:
                await self._to_person(ctx, turn, reply.activity)
            else:
                await ctx.send(reply.activity)

    async def _to_person(self, ctx, turn: Turn, activity: MessageActivityInput) -> None:
        chat = await asyncio.to_thread(handlers.personal_chat, turn)
        if chat is None:
            from bot.teams.sender import _new_chat

            created = await ctx.api.conversations.create(
                _new_chat(turn.teams_id, turn.tenant_id, self.settings.teams_app_id)
            )
            await asyncio.to_thread(handlers.remember_chat, turn, created.id)
            chat = created.id
        await self.app.send(chat, activity, service_url=turn.service_url)


def _mentions(activity) -> list[tuple[str, str]]:
    """(Teams id, name) of the people an activity mentions, Lair itself left out."""
    found = []
    for entity in activity.entities or []:
        mentioned = getattr(entity, "mentioned", None)
        if (
            getattr(entity, "type", None) == "mention"
            and mentioned is not None
            and mentioned.id != activity.recipient.id
        ):
            found.append((mentioned.id, mentioned.name or ""))
    return found


def _files(activity) -> list[dict]:
    """Files sent with a message (Teams' download-info attachments)."""
    return [
        {"name": a.name, "url": (a.content or {}).get("downloadUrl"),
         "type": (a.content or {}).get("fileType")}
        for a in activity.attachments or []
        if a.content_type == "application/vnd.microsoft.teams.file.download.info"
    ]  # fmt: skip
