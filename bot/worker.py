"""The outbox worker: one background thread that has each platform's sender send what is due."""

import logging
import threading

from challenges import outbox

log = logging.getLogger(__name__)


class OutboxWorker:
    """A background thread that drains the outbox when kicked, when the next message falls
    due, and at least every `interval` seconds. `active` lets a standby clock stay idle.

    Each dispatcher sends one platform's rows (`dispatcher.platform`), with its own pool of
    senders, so one platform's slow or failing API does not hold up the other's messages
    beyond one round."""

    def __init__(self, dispatchers, *, interval: float = 5.0, active=lambda: True):
        self.dispatchers: list = (
            list(dispatchers) if isinstance(dispatchers, list | tuple) else [dispatchers]
        )
        self.interval = interval
        self.active = active
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        self._wake.set()

    def add_background(self, dispatcher) -> None:
        """A dispatcher that sends in the background (bot/slack/dispatcher.py): each drain
        hands its messages to the dispatcher's pool and returns, and each send that ends
        wakes this worker for the conversation's next message."""
        dispatcher.background = True
        dispatcher.on_done = self.kick
        self.dispatchers.append(dispatcher)

    def start(self) -> "OutboxWorker":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lair-outbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        for dispatcher in self.dispatchers:
            dispatcher.close()

    @property
    def dispatcher(self):
        """The first (on a Slack-only install, the only) dispatcher."""
        return self.dispatchers[0]

    def _run(self) -> None:
        timeout = 0.0
        while not self._stop.is_set() and self.dispatchers:
            self._wake.wait(timeout)
            self._wake.clear()
            try:
                if not self.active():
                    timeout = self.interval  # a standby: woken when it becomes the active clock
                    continue
                while not self._stop.is_set() and sum(d.drain() for d in self.dispatchers):
                    pass
                timeout = self._until_next()
            except Exception:
                log.exception("outbox drain failed; will try again")
                timeout = self.interval

    def _until_next(self) -> float:
        ctx = self.dispatchers[0].ctx
        dues = [outbox.next_due_at(ctx, d.platform) for d in self.dispatchers]
        due = min((d for d in dues if d is not None), default=None)
        if due is None:
            return self.interval
        seconds = (due - ctx.now()).total_seconds()
        return min(self.interval, max(0.05, seconds))
