"""Every listener, registered on the app. One module per listener kind."""

from slack_bolt import App

from bot.slack.listeners import (
    actions,
    commands,
    decisions,
    events,
    home,
    learning,
    scoring,
    shortcuts,
    views,
    votes,
    workbook,
)


def register_listeners(app: App) -> None:
    # Bolt tries listeners in registration order, and matching costs each one a little:
    # the Vote button, the one listener that takes bursts, goes first.
    votes.register(app)
    commands.register(app)
    views.register(app)
    actions.register(app)
    shortcuts.register(app)
    scoring.register(app)
    decisions.register(app)
    events.register(app)
    home.register(app)
    workbook.register(app)
    learning.register(app)
