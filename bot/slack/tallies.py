"""Live vote counts on idea cards, kept current without flooding `chat.update`.

`chat.update` is a Tier 3 method (about 50 a minute), and a popular card can take
dozens of clicks a second. `CardRefresher.request(idea_id)` is called after each
vote commits; the refresher sends at most one update per card every `interval`
seconds, rendered from the database when it is sent, so it shows every vote
committed before it — the first click of a burst updates at once, the rest
coalesce into one trailing update.

Scope: one refresher per web process, in memory. Several web processes each
coalesce their own clicks, so a card can get up to one update per interval per
process. The last state still always lands: after every update it sends, a
refresher looks at the card again one interval later and sends once more if the
count has moved since (e.g. another process's vote, or its own update overtaken
by another process's in flight). Every process's final update is therefore
rendered after the last vote committed. If a process dies holding a pending
update, the next vote on that card or the stage change that closes voting (which
re-renders every card through the outbox) puts it right.
"""

import json
import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from challenges import places
from challenges.context import Context

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 3.0


class CardRefresher:
    def __init__(self, ctx: Context, client: WebClient | None = None, *,
                 interval: float = DEFAULT_INTERVAL):  # fmt: skip
        self.ctx = ctx
        self.client = client
        self.interval = interval
        self._lock = threading.Condition()
        self._due: dict[int, float] = {}  # idea id -> monotonic time its card may next be sent
        self._sent_at: dict[int, float] = {}
        self._sent: dict[int, str] = {}  # idea id -> what the card was last sent as
        self._clients: dict[int, WebClient] = {}  # idea id -> the client of its workspace
        self._busy: set[int] = set()  # being rendered or sent right now
        self._again: set[int] = set()  # asked for while busy: look again afterwards
        self._stop = False
        self._thread: threading.Thread | None = None

    def request(self, idea_id: int, client: WebClient | None = None) -> None:
        """The idea's count may have changed: bring its card up to date soon (with `client`,
        the Web API client of the idea's workspace, or the refresher's own)."""
        with self._lock:
            if self._stop:
                return
            if client is not None:
                self._clients[idea_id] = client
            if idea_id in self._busy:
                self._again.add(idea_id)  # looked at once the card in hand is done
            elif idea_id not in self._due:
                self._due[idea_id] = self._earliest(idea_id)
                # Woken only when a card joins the queue (it may be due before the one the
                # refresher waits for): a click on a card already queued or in hand changes
                # nothing it waits on, and waking it for each click of a popular card would
                # cost every click a thread switch.
                self._start()
                self._lock.notify()

    def idle(self) -> bool:
        """Nothing is waiting to be sent or being sent (the last look after an update included)."""
        with self._lock:
            return not self._due and not self._busy

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        if self._thread:
            self._thread.join(timeout=10)

    def _earliest(self, idea_id: int) -> float:
        last = self._sent_at.get(idea_id)
        return time.monotonic() if last is None else max(time.monotonic(), last + self.interval)

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lair-tallies", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._stop:
                    now = time.monotonic()
                    ready = [i for i, at in self._due.items() if at <= now]
                    if ready:
                        break
                    wait = min(self._due.values(), default=now + 60) - now
                    self._lock.wait(timeout=wait)
                if self._stop:
                    return
                for idea_id in ready:
                    del self._due[idea_id]
                    self._busy.add(idea_id)
            for idea_id in ready:
                sent = self._refresh(idea_id)
                with self._lock:
                    self._busy.discard(idea_id)
                    if sent or idea_id in self._again:
                        self._again.discard(idea_id)
                        self._due.setdefault(idea_id, self._earliest(idea_id))

    def _refresh(self, idea_id: int) -> bool:
        """Send the card if it differs from what was last sent. True if something was sent."""
        try:
            place = places.place(self.ctx, places.card(idea_id))
            if not place.posted:
                return False  # the card post, when it goes, shows the current count
            from bot.slack.messages import idea_card_for  # every view: not loaded at start

            text, blocks = idea_card_for(self.ctx, idea_id)
            rendered = json.dumps([b.to_dict() for b in blocks], sort_keys=True)
            if self._sent.get(idea_id) == rendered:
                return False
            client = self._clients.get(idea_id, self.client)
            client.chat_update(
                channel=place.ref.conversation_id, ts=place.ref.message_id, text=text, blocks=blocks
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown")
            log.warning("could not refresh the card of idea %s: %s", idea_id, error)
            # The client already waited out Retry-After; try again an interval from now.
            self._sent_at[idea_id] = time.monotonic()
            return error in ("ratelimited", "internal_error", "fatal_error", "service_unavailable")
        except Exception:
            log.exception("could not refresh the card of idea %s", idea_id)
            self._sent_at[idea_id] = time.monotonic()
            return False
        self._sent[idea_id] = rendered
        self._sent_at[idea_id] = time.monotonic()
        return True
