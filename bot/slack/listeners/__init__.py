"""Every listener, registered on the app. One module per listener kind.

Registering imports none of those modules: each listener is named here by its module and
function, and the module (with the domain and the views it uses) is imported on the
listener's first request, or by `load_all()`, which `lair` runs in the background once it
is serving. A start then pays only for what answering a request needs (issue 15).
"""

import importlib
import threading

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener.custom_listener import CustomListener

from bot.slack.ids import Action, Callback

# (module, function) of each listener, in the order registered below: `load_all` imports
# them, and tests/bot/slack/test_start_imports.py checks that each one exists.
MODULES = (
    "votes",
    "commands",  # /challenge's subcommands register themselves when it loads
    "views",
    "actions",
    "shortcuts",
    "scoring",
    "decisions",
    "events",
    "home",
    "workbook",
    "learning",
    "search",
)


def register_listeners(app: App) -> None:
    def on(module: str, name: str):
        return _lazy(app, module, name)

    # Bolt tries listeners in registration order, and matching costs each one a little:
    # the Vote button, the one listener that takes bursts, goes first.
    app.action(Action.VOTE.value)(on("votes", "vote_button"))
    # commands
    app.command("/idea")(on("commands.idea", "idea_command"))
    app.command("/challenge")(on("commands.challenge", "challenge_command"))
    app.action(Action.PERSON_ERASE.value)(on("commands.person", "erase"))
    app.action(Action.PERSON_KEEP.value)(on("commands.person", "keep"))
    # views
    app.view(Callback.IDEA_SUBMIT.value)(on("views", "submit_idea"))
    app.view(Callback.IDEA_SIMILAR.value)(on("views", "submit_anyway"))
    app.view(Callback.IDEA_EDIT.value)(on("views", "edit_idea"))
    app.view(Callback.CHALLENGE_CREATE.value)(on("views", "save_challenge"))
    app.view(Callback.CHALLENGE_EDIT.value)(on("views", "save_challenge"))
    # actions
    app.action(Action.SUBMIT_IDEA.value)(on("actions", "submit_idea_button"))
    app.action(Action.PICK_CHALLENGE.value)(on("actions", "pick_challenge"))
    app.view(Callback.IDEA_PICK_CHALLENGE.value)(on("actions", "submit_picker"))
    app.action(Action.EDIT_IDEA.value)(on("actions", "edit_idea_button"))
    app.action(Action.WITHDRAW_IDEA.value)(on("actions", "withdraw_idea_button"))
    # shortcuts
    app.message_shortcut(Callback.SHORTCUT_SUBMIT_AS_IDEA.value)(on("shortcuts", "submit_as_idea"))
    # scoring
    app.action(Action.SCORE_IDEA.value)(on("scoring", "score_button"))
    app.action(Action.DECLARE_CONFLICT.value)(on("scoring", "conflict_button"))
    app.action(Action.SHOW_SCORES.value)(on("scoring", "show_scores_button"))
    app.view(Callback.SCORE.value)(on("scoring", "submit_scores"))
    app.view(Callback.DECLARE_CONFLICT.value)(on("scoring", "submit_conflict"))
    # decisions
    app.view(Callback.SHORTLIST.value)(on("decisions", "submit_shortlist"))
    app.view(Callback.DECIDE.value)(on("decisions", "submit_decisions"))
    # events
    app.event("message")(on("events", "thread_reply"))
    # home
    app.event("app_home_opened")(on("home", "home_opened"))
    app.action(Action.SHOW_HELP.value)(on("home", "show_help"))
    # workbook
    app.event("file_shared")(on("workbook", "file_shared"))
    app.action(Action.IMPORT_CONFIRM.value)(on("workbook", "confirm"))
    app.action(Action.IMPORT_CANCEL.value)(on("workbook", "cancel"))
    # learning
    app.action(Action.SHARE_UPDATE.value)(on("learning", "share_button"))
    app.action(Action.NUDGE_TEAM.value)(on("learning", "nudge_button"))
    app.view(Callback.LEARNING_UPDATE.value)(on("learning", "submit_update"))
    # search
    app.action(Action.SEARCH.value)(on("search", "search_from_home"))
    app.action(Action.BACK_TO_EDIT.value)(on("search", "back_to_edit"))


def load_all() -> None:
    """Import every listener module now (in the background after start), so that no
    person's first click waits for it."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")


def _lazy(app: App, module: str, name: str):
    """A listener that runs `module.name` (a module of this package), imported on first
    use. Bolt passes the request itself; the listener's own arguments are then injected
    by Bolt's own code, exactly as if `module.name` had been registered."""
    path = f"{__name__}.{module}"
    loaded: list[CustomListener] = []
    lock = threading.Lock()

    def listener(req: BoltRequest, resp: BoltResponse) -> BoltResponse | None:
        if not loaded:
            with lock:
                if not loaded:
                    function = getattr(importlib.import_module(path), name)
                    loaded.append(CustomListener(app_name=app.name, ack_function=function,
                                                 lazy_functions=[], matchers=[], middleware=[]))  # fmt: skip
        return loaded[0].run_ack_function(request=req, response=resp)

    listener.__module__, listener.__name__, listener.__qualname__ = path, name, name
    return listener
