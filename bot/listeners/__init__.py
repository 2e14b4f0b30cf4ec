"""Every listener, registered on the app. One module per listener kind."""

from slack_bolt import App

from bot.listeners import actions, commands, shortcuts, views, votes


def register_listeners(app: App) -> None:
    commands.register(app)
    views.register(app)
    actions.register(app)
    shortcuts.register(app)
    votes.register(app)
