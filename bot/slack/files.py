"""Files people send the bot: fetched with the bot token, size-capped."""

import urllib.request

from slack_sdk import WebClient

from challenges.codes import Code
from challenges.errors import LairError

MAX_MB = 20
MAX_BYTES = MAX_MB * 2**20


def is_spreadsheet(info: dict) -> bool:
    return info.get("filetype") == "xlsx" or str(info.get("name", "")).lower().endswith(".xlsx")


def download(client: WebClient, info: dict) -> bytes:
    if int(info.get("size") or 0) > MAX_BYTES:
        raise LairError(Code.FILE_OVER_CAP, mb=MAX_MB)
    url = info.get("url_private_download") or info.get("url_private")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - Slack's file URL
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LairError(Code.FILE_OVER_CAP, mb=MAX_MB)
    return data
