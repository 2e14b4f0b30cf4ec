"""`challenge person @Alex [json|erase]` in Teams, as on Slack (bot/slack/listeners/commands/
person.py): the person's data offered to the coordinator by a file-consent card in their own
chat; or, with `erase`, a card whose Erase button erases them (the card is the confirm step)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.api import AdaptiveCardActionCardResponse, MessageActivityInput

from bot.teams import people, workbook
from bot.teams.cards import card, execute, message, plain_note, words
from bot.teams.ids import Verb
from bot.teams.people import Mentioned
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line, sentence
from challenges import privacy
from challenges.codes import Code
from challenges.errors import LairError
from challenges.workbook import Export
from challenges.workbook.person import person_file


def command(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    users = people.who(mentions)
    if len(users) != 1:
        raise LairError(Code.NAME_A_PERSON)
    (user,) = users
    named = people.names_of(turn.ctx, [user])
    if "erase" in args.lower().split():
        body = [sentence("Erase ", Bold(named), " from Lair?"),
                words("A pseudonym such as *Former member 3* takes their place in every idea, vote, "
                      "score, decision and audit row; their name and Teams id are removed. Counts, "
                      "rankings and decisions do not change. This cannot be undone."),
                words("Send them their data first if they asked for it: “challenge person @…”.",
                      subtle=True)]  # fmt: skip
        buttons = [execute("Erase", Verb.PERSON_ERASE, person=user),
                   execute("Keep", Verb.PERSON_KEEP, person=user)]  # fmt: skip
        return [Reply(message(card(body, buttons), "Erase someone from Lair?"))]
    return workbook.offer_file(turn, _file(turn, user, json="json" in args.lower().split()),
                               "Everything Lair holds about one person (includes their own votes: "
                               "share it only with them)", "A person's data",
                               {"person": user, "json": "json" in args.lower().split()})  # fmt: skip


def _file(turn: Turn, user: str, *, json: bool) -> Export:
    data = privacy.person_data(turn.ctx, turn.user, user)
    filename, content = person_file(data, xlsx=not json)
    return Export(0, filename, content, "")


def consented(turn: Turn, action: str, context: dict[str, Any],
              upload: dict[str, Any] | None) -> list[Reply]:  # fmt: skip
    if action != "accept":
        return [Reply(plain_note("No file, then. Send “challenge person @…” when you want it."))]
    if not upload or not upload.get("uploadUrl"):
        raise LairError(
            "Teams did not say where to put the file. Send “challenge person @…” again."
        )
    user = str(context["person"])
    result = workbook.PREPARED.take(turn, context.get("export", "")) or _file(
        turn, user, json=bool(context.get("json")))  # fmt: skip
    shown = workbook.deliver(result, upload)
    return [Reply(MessageActivityInput().add_attachments(shown)),
            Reply(line("A person's data", "Everything Lair holds about ",
                       people.names_of(turn.ctx, [user]), ", as you asked."))]  # fmt: skip


def erase(turn: Turn, data: dict) -> tuple[AdaptiveCardActionCardResponse, list[Reply]]:
    done = privacy.erase_person(turn.ctx, turn.user, str(data.get("person") or ""))
    said = words(f"Erased: they are now **{done.name}** everywhere in Lair. Counts, scores and "
                 "decisions are unchanged; the erasure is in the audit trail.")  # fmt: skip
    return AdaptiveCardActionCardResponse(value=card([said])), []


def keep(turn: Turn, data: dict) -> tuple[AdaptiveCardActionCardResponse, list[Reply]]:
    return AdaptiveCardActionCardResponse(value=card([words("Kept: nothing changed.")])), []
