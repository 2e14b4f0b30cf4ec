from slack_bolt import App

from bot.slack.listeners.commands import (  # noqa: F401 (register subcommands)
    challenge,
    idea,
    panel,
    person,
    workbook,
)


def register(app: App) -> None:
    app.command("/idea")(idea.idea_command)
    app.command("/challenge")(challenge.challenge_command)
    person.register(app)
