"""People's names for the workbook, from Slack (users.info), cached for an hour and kept in
Lair's directory (challenges/directory.py), so that the command line's workbook and any
later lookup that fails still name people rather than show their ids."""

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from challenges import directory
from challenges.context import Context

log = logging.getLogger(__name__)
TTL_SECONDS = 3600
MAX_LOOKUPS = 300  # users.info is Tier 4; beyond this the workbook shows Slack ids

_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def names_for(client: WebClient, user_ids: set[str], ctx: Context | None = None) -> dict[str, str]:
    """Display names by user id: Slack's (looked up now, remembered in `ctx`'s workspace), else
    the ones Lair stored before."""
    found = _looked_up(client, user_ids)
    if ctx is None:
        return found
    directory.remember_names(ctx, found)
    return {**directory.names(ctx, set(user_ids) - set(found)), **found}


def _looked_up(client: WebClient, user_ids: set[str]) -> dict[str, str]:
    now = time.monotonic()
    names: dict[str, str] = {}
    lookups = 0
    for user_id in sorted(user_ids):
        with _lock:
            cached = _cache.get(user_id)
        if cached and now - cached[0] < TTL_SECONDS:
            names[user_id] = cached[1]
            continue
        if lookups >= MAX_LOOKUPS:
            continue
        lookups += 1
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.info("users.info failed for a user: %s", exc.response.get("error"))
            continue
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or user.get("real_name")
            or profile.get("real_name")
            or user.get("name")
        )
        if name:
            names[user_id] = name
            with _lock:
                _cache[user_id] = (now, name)
    return names
