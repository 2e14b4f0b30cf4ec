"""Serving the Teams bot: uvicorn on TEAMS_HOST:TEAMS_PORT (port 0 picks a free one), in a
thread of its own with its own event loop, so a process can serve Slack beside it."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

import uvicorn

from bot.teams.app import TeamsBot

log = logging.getLogger(__name__)


class TeamsServer:
    def __init__(self, bot: TeamsBot, *, host: str, port: int):
        self.bot = bot
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(
            bot.fastapi, log_level="warning", lifespan="on", access_log=False,
            proxy_headers=False, server_header=False,
        ))  # fmt: skip
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="lair-teams-http", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            await self.bot.initialize()
            await self.server.serve(sockets=[self.socket])

        try:
            asyncio.run(main())
        except BaseException as error:
            self.error = error
            log.exception("the Teams server stopped")

    def start(self, timeout: float = 30.0) -> TeamsServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.error is not None or not self.thread.is_alive():
                raise RuntimeError(f"the Teams server did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError("the Teams server did not start in time")
            time.sleep(0.02)
        return self

    def serve_forever(self, stop: threading.Event) -> None:
        """Serve until `stop` is set."""
        self.start()
        stop.wait()
        self.stop()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
