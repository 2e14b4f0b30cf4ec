"""Names for the workbook from Slack's users.info (bot/slack/people.py), against the fake
Web API: which name wins, a failed lookup, the cache and the cap on lookups."""

import pytest
from slack_sdk import WebClient

from bot.slack import people
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def slack():
    fake = FakeSlack().start()
    fake.people_known_only = True
    people._cache.clear()  # the cache is the process's: start each test without it
    yield fake
    people._cache.clear()
    fake.stop()


def client(slack) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=slack.url)


def test_the_display_name_then_the_full_name_then_the_username(slack):
    slack.add_person("UDISPLAY", display_name="Dee", real_name="Dee Smith", name="dsmith")
    slack.add_person("UREAL", real_name="Ray Jones", name="rjones")
    slack.add_person("UNAME", name="nobody.else")
    names = people.names_for(client(slack), {"UDISPLAY", "UREAL", "UNAME"})
    assert names == {"UDISPLAY": "Dee", "UREAL": "Ray Jones", "UNAME": "nobody.else"}
    assert sorted(c.args["user"] for c in slack.calls_to("users.info")) == [
        "UDISPLAY",
        "UNAME",
        "UREAL",
    ]


def test_someone_slack_cannot_find_is_left_out_and_the_rest_are_named(slack):
    slack.add_person("UHERE", real_name="Here Now")
    assert people.names_for(client(slack), {"UGONE", "UHERE"}) == {"UHERE": "Here Now"}


def test_a_name_is_looked_up_once_an_hour(slack, monkeypatch):
    slack.add_person("UDEE", display_name="Dee")
    people.names_for(client(slack), {"UDEE"})
    slack.add_person("UDEE", display_name="Dee (renamed)")
    assert people.names_for(client(slack), {"UDEE"}) == {"UDEE": "Dee"}  # from the cache
    assert len(slack.calls_to("users.info")) == 1
    later = people.time.monotonic() + people.TTL_SECONDS + 1
    monkeypatch.setattr(people.time, "monotonic", lambda: later)
    assert people.names_for(client(slack), {"UDEE"}) == {"UDEE": "Dee (renamed)"}
    assert len(slack.calls_to("users.info")) == 2


def test_beyond_the_cap_people_keep_their_ids(slack, monkeypatch):
    monkeypatch.setattr(people, "MAX_LOOKUPS", 2)
    for n in range(3):
        slack.add_person(f"U{n}", real_name=f"Person {n}")
    names = people.names_for(client(slack), {"U0", "U1", "U2"})
    assert names == {"U0": "Person 0", "U1": "Person 1"} and len(slack.calls_to("users.info")) == 2
