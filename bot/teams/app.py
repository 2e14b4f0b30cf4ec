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

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from microsoft_teams.api import AdaptiveCardActionMessageResponse, MessageActivityInput
from sqlalchemy import text

from bot.teams import dialogs, handlers
from bot.teams.forms import Say
from bot.teams.people import Mentioned
from bot.teams.refusals import NOT_INSTALLED
from bot.teams.replies import Reply
from bot.teams.sdk import BotToken, cloud_of, make_app
from bot.teams.sender import new_chat
from bot.teams.turn import Doorkeeper, Refused, Turn
from challenges import directory
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
        self._pending: set[asyncio.Task] = set()  # replies sent after an invoke's answer
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
            addressed = mentioned or turn.personal  # (with RSC, Lair hears every channel message)
            people = await self._people(ctx, turn, _mentions(activity)) if addressed else []
            replies = await self._run(handlers.on_message, turn, said, mentioned, people,
                                      _files(activity))  # fmt: skip
            await self._deliver(ctx, turn, replies)

        @app.on_card_action
        async def on_card_action(ctx):
            turn = await self._turn(ctx.activity)
            if turn is None:
                return AdaptiveCardActionMessageResponse(value=NOT_INSTALLED)
            action = ctx.activity.value.action
            answer, replies = await self._run(handlers.on_card_action, turn, action.verb or "",
                                              dict(action.data or {}))  # fmt: skip
            self._after(ctx, turn, replies)
            return answer

        @app.on_dialog_open
        async def on_dialog_open(ctx):
            turn = await self._turn(ctx.activity)
            if turn is None:
                return dialogs.as_task(Say(NOT_INSTALLED))
            data = _data(ctx.activity.value)
            return dialogs.as_task(await self._run(handlers.on_dialog_open, turn, data))

        @app.on_dialog_submit
        async def on_dialog_submit(ctx):
            return await self._submitted(ctx, dialogs.as_task)

        @app.on_message_ext_open
        async def on_message_action(ctx):
            turn = await self._turn(ctx.activity)
            if turn is None:
                return dialogs.as_action(Say(NOT_INSTALLED))
            value = ctx.activity.value
            message = (value.message_payload.model_dump(mode="json", by_alias=True)
                       if value.message_payload else {})  # fmt: skip
            return dialogs.as_action(
                await self._run(handlers.on_message_action, turn, value.command_id or "", message)
            )

        @app.on_message_ext_submit
        async def on_message_action_submit(ctx):
            return await self._submitted(ctx, dialogs.as_action)

        @app.on_file_consent
        async def on_file_consent(ctx):
            activity = ctx.activity
            turn = await self._turn(activity)
            if turn is None:
                return
            value = activity.value
            upload = value.upload_info.model_dump(by_alias=True) if value.upload_info else None
            context = value.context if isinstance(value.context, dict) else {}
            replies = await self._run(handlers.on_file_consent, turn, value.action, context, upload)
            await self._deliver(ctx, turn, replies)
            if replies and activity.reply_to_id:  # the consent card has done its work
                await _quietly(ctx.api.conversations.delete_activity(turn.conversation_id,
                                                                     activity.reply_to_id))  # fmt: skip

        @app.on_install_add
        async def on_install_add(ctx):
            turn = await self._turn(ctx.activity, adding_lair=True)
            if turn is not None:
                await self._team_channels(ctx, turn)
                await self._deliver(ctx, turn, await self._run(handlers.on_added, turn))

        @app.on_conversation_update
        async def on_conversation_update(ctx):
            activity = ctx.activity
            added = [m.id for m in activity.members_added or []]
            turn = await self._turn(activity, adding_lair=activity.recipient.id in added)
            if turn is None:
                return
            if activity.recipient.id in added:
                await self._team_channels(ctx, turn)
                await self._deliver(ctx, turn, await self._run(handlers.on_added, turn))
            elif _channel_event(activity):
                await self._team_channels(ctx, turn)

    # around the handlers ---------------------------------------------------------------
    async def _submitted(self, ctx, answer):
        """A dialog's form submitted (from a button's dialog, or the message action's):
        `answer` turns the result into what Teams expects for that invoke."""
        turn = await self._turn(ctx.activity)
        if turn is None:
            return answer(Say(NOT_INSTALLED))
        data = _data(ctx.activity.value)
        result, replies = await self._run(handlers.on_dialog_submit, turn, data)
        self._after(ctx, turn, replies)
        return answer(result)

    async def _people(self, ctx, turn: Turn, mentions: list[tuple[str, str]]) -> list[Mentioned]:
        """Who a message @mentions, as Lair knows them (the Entra object id); someone it has
        not met is looked up in the conversation's roster, and remembered."""
        if not mentions:
            return []
        known = await asyncio.to_thread(
            directory.by_platform_id, turn.ctx, [m[0] for m in mentions]
        )
        found = []
        for teams_id, name in mentions:
            user = known.get(teams_id)
            if user is None:
                try:
                    member = await ctx.api.conversations.get_member_by_id(
                        turn.conversation_id, teams_id
                    )
                except (httpx.HTTPError, ValueError) as exc:
                    log.info("could not look up a mentioned person (%s)", type(exc).__name__)
                else:
                    user, name = member.aad_object_id, member.name or name
                    if user:
                        await asyncio.to_thread(directory.met, turn.ctx, user, name=name,
                                                platform_id=teams_id)  # fmt: skip
            found.append(Mentioned(teams_id, name, user))
        return found

    async def _team_channels(self, ctx, turn: Turn) -> None:
        """Remember the channels of the team Lair is in (Connector: GET /v3/teams/{id}/conversations)."""
        data = ctx.activity.channel_data
        if not turn.team_id or data is None or data.team is None:
            return
        try:
            channels = await ctx.api.teams.get_conversations(turn.team_id)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("could not list the channels of a team (%s)", type(exc).__name__)
            return
        await asyncio.to_thread(handlers.remember_channels, turn, data.team.name or "",
                                [(c.id, c.name) for c in channels])  # fmt: skip

    def _after(self, ctx, turn: Turn, replies: list[Reply]) -> None:
        """Send the replies after the invoke's answer (Teams waits for the answer)."""
        if replies:
            task = asyncio.get_running_loop().create_task(self._deliver(ctx, turn, replies))
            self._pending.add(task)
            task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a reply could not be sent to Teams (%s)", type(task.exception()).__name__)

    # answers -------------------------------------------------------------------------
    async def _deliver(self, ctx, turn: Turn, replies: list[Reply]) -> None:
        """Each reply in the conversation it came from, or (private) in the person's own chat."""
        for reply in replies:
            if reply.private and not turn.personal:
                await self._to_person(ctx, turn, reply.activity)
            else:
                await ctx.send(reply.activity)

    async def _to_person(self, ctx, turn: Turn, activity: MessageActivityInput) -> None:
        chat = await asyncio.to_thread(handlers.personal_chat, turn)
        if chat is None:
            created = await ctx.api.conversations.create(
                new_chat(turn.teams_id, turn.tenant_id, self.settings.teams_app_id)
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
         "type": (a.content or {}).get("fileType"), "id": (a.content or {}).get("uniqueId")}
        for a in activity.attachments or []
        if a.content_type == "application/vnd.microsoft.teams.file.download.info"
    ]  # fmt: skip


def _data(value) -> dict:
    """A dialog's or message action's data: the button's data and the form's input values."""
    data = getattr(value, "data", None) if value is not None else None
    return dict(data) if isinstance(data, dict) else {}


def _channel_event(activity) -> bool:
    data = activity.channel_data
    return bool(data and data.event_type in ("channelCreated", "channelRenamed", "channelRestored"))


async def _quietly(coroutine) -> None:
    """A tidy-up call whose failure changes nothing (logged, not raised)."""
    try:
        await coroutine
    except (httpx.HTTPError, ValueError) as exc:
        log.info("a tidy-up call to Teams failed (%s)", type(exc).__name__)
