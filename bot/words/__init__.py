"""Lair's words: the domain's codes and facts (challenges.codes) worded for each place
people read them. One catalogue (catalogue.py) holds every sentence once, in a small
neutral notation; a Dialect (dialects.py) turns it into Slack mrkdwn, Teams plain text
or the CLI's plain text:

- `{name}` — a fact, escaped for the dialect (people's text never becomes markup);
- `*{name}*` — a fact shown strongly (bold in Slack; as is in plain text);
- `[[idea mine]]` — a command (Slack "`/idea mine`", Teams "“idea mine”", CLI "idea mine");
- `` `{name}` `` — a fact to type as it stands (Slack: code; elsewhere as is);
- `*Words*` — literal words shown strongly (a button's name);
- a fact that is a `Problem` is worded in place (a part of a sentence); a list of them
  becomes one bullet line each;
- `{name:,}` and other format specs work as in str.format.

`say(error, dialect)` words a refusal; `say_problem` one field's problem.
"""

from bot.words.dialects import PLAIN, SLACK, SLACK_FORM, TEAMS, Dialect
from bot.words.say import field_words, plain, say, say_problem

__all__ = [
    "PLAIN",
    "SLACK",
    "SLACK_FORM",
    "TEAMS",
    "Dialect",
    "field_words",
    "plain",
    "say",
    "say_problem",
]
