"""What a handler asks to be said besides its answer: each message, and to whom."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_teams.api import MessageActivityInput


@dataclass(frozen=True)
class Reply:
    activity: MessageActivityInput
    private: bool = True  # said only to the person (in their own chat with Lair)
