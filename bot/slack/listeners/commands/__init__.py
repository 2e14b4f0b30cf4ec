from slack_bolt import App

from bot.slack.listeners.commands import challenge, idea, panel, workbook  # noqa: F401 (register subcommands)


def register(app: App) -> None:
    app.command("/idea")(idea.idea_command)
    app.command("/challenge")(challenge.challenge_command)
