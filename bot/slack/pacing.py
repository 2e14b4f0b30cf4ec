"""Honouring Slack's rate limits while sending: pauses learnt from 429 answers.

Slack limits chat.postMessage to about one message a second per channel (short bursts
allowed) and, separately, per app across the workspace. A 429 does not say which limit
was hit; the pacer infers it: a 429 for a channel we posted to within the last second is
that channel's limit, so only that channel waits `Retry-After`; a 429 for a channel we
had not just posted to can only be the app-wide limit, so every send waits. Nothing is
dropped: the message itself goes back to the outbox with `not_before` set.
"""

import threading
import time
from collections.abc import Callable

PER_CHANNEL_WINDOW = 1.0  # seconds: Slack's "about one message per second per channel"


class Pacer:
    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._now = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._blocked: dict[str, float] = {}
        self._last_post: dict[str, float] = {}

    def wait(self) -> None:
        """Block while an app-wide pause is in force."""
        while True:
            with self._lock:
                delay = self._paused_until - self._now()
            if delay <= 0:
                return
            self._sleep(delay)

    def ready(self, target: str) -> bool:
        with self._lock:
            return self._blocked.get(target, 0.0) <= self._now()

    def posted(self, target: str) -> None:
        with self._lock:
            now = self._now()
            self._last_post[target] = now
            if len(self._last_post) > 10_000:  # forget channels not posted to lately
                cutoff = now - PER_CHANNEL_WINDOW
                self._last_post = {k: v for k, v in self._last_post.items() if v >= cutoff}

    def rate_limited(self, target: str, retry_after: float) -> str:
        """Record a 429 for `target`; returns "channel" or "app", the limit it was taken for."""
        with self._lock:
            now = self._now()
            until = now + retry_after
            if now - self._last_post.get(target, float("-inf")) < PER_CHANNEL_WINDOW:
                self._blocked[target] = max(self._blocked.get(target, 0.0), until)
                return "channel"
            self._paused_until = max(self._paused_until, until)
            return "app"


class Allowance:
    """A token bucket: `rate` a second on average, `burst` at once. `take()` spends one and
    returns 0, or returns the seconds until one is available (spending nothing)."""

    def __init__(self, rate: float, *, burst: float,
                 monotonic: Callable[[], float] = time.monotonic):  # fmt: skip
        self.rate, self.burst = rate, burst
        self._now = monotonic
        self._tokens = burst
        self._at = monotonic()
        self._lock = threading.Lock()

    def take(self) -> float:
        with self._lock:
            now = self._now()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate
