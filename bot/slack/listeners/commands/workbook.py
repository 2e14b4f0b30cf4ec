"""`/challenge export [id]`: the fund panel's workbook, and `/challenge report`: the
portfolio across rounds, each sent privately to the coordinator."""

from bot.slack.listeners.commands.challenge import Call, subcommand
from bot.slack.listeners.common import resolve_challenge
from bot.slack.people import names_for
from bot.words import plain
from challenges import workbook  # export_workbook loads openpyxl when first called
from challenges.workbook.data import collect_people


@subcommand("export")
def export(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge export 4")
    involved = collect_people(call.ctx, challenge_id)  # refuses a challenge it cannot see
    call.say_privately("Preparing the workbook; it will arrive in your DMs with Lair in a moment.")
    people = names_for(call.client, involved, call.ctx)
    result = workbook.export_workbook(call.ctx, call.user, challenge_id, words=plain, people=people)
    dm = call.client.conversations_open(users=call.user)["channel"]["id"]
    call.client.files_upload_v2(
        channel=dm,
        content=result.content,
        filename=result.filename,
        title=result.filename.removesuffix(".xlsx"),
        initial_comment=f"The fund panel's workbook for challenge #{challenge_id}: {plain(result.summary)}."
        + (RETURN_IT if result.decisions_open else ""),
    )


@subcommand("report")
def report(call: Call) -> None:
    """`/challenge report`: the portfolio workbook across rounds, sent privately."""
    from challenges.workbook.portfolio import involved, portfolio_report

    call.say_privately(
        "Preparing the portfolio workbook; it will arrive in your DMs with Lair in a moment."
    )
    result = portfolio_report(
        call.ctx, call.user, people=names_for(call.client, involved(call.ctx))
    )
    dm = call.client.conversations_open(users=call.user)["channel"]["id"]
    call.client.files_upload_v2(
        channel=dm, content=result.content, filename=result.filename,
        title=result.filename.removesuffix(".xlsx"),
        initial_comment=f"The fund's portfolio across rounds: {plain(result.summary)}.",
    )  # fmt: skip


# Only while decisions can still be recorded (the panel has closed, nothing announced yet).
RETURN_IT = (
    " Record decisions in the Shortlist sheet's Decision and Award £ columns and send the file "
    "back here to load them."
)
