"""Every listener, registered on the app. One module per listener kind."""

from slack_bolt import App

from bot.listeners import (
    actions,
    commands,
    decisions,
    events,
    home,
    scoring,
    shortcuts,
    views,
    workbook,
)


def register_listeners(app: App) -> None:
    commands.register(app)
    views.register(app)
    actions.register(app)
    shortcuts.register(app)
    scoring.register(app)
    decisions.register(app)
    events.register(app)
    home.register(app)
    workbook.register(app)
