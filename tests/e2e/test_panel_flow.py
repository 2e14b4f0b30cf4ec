"""Issue 5 end to end: the panel scores the shortlist in Slack threads, then decisions are announced.

Setup (a challenge whose voting has closed, with votes) goes through the domain; everything
the panel and the coordinator do goes through signed Slack requests.
"""

import time

from sqlmodel import func, select

from challenges import ideas, ranking, scoring, setup
from challenges.transitions import advance
from storage.models import AuditEvent, Decision, Idea, PanelMember, Scorecard, Vote
from tests import posted
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR
from tests.waiting import wait_until

D1, D2, D3 = "UDRAGON1", "UDRAGON2", "UDRAGON3"
OUTSIDER = "UOUTSIDER"
KEYS = [
    "impact_for_residents",
    "feasibility",
    "value_for_money",
    "innovation",
    "learning_potential",
]


def make_challenge(ctx, *, votes=(9, 8, 7, 6, 5, 1), requests=None):
    """Six ideas at the voting stage; the third is D3's own idea."""
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(shortlist_size=5))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    made = []
    for n in range(len(votes)):
        author = D3 if n == 2 else f"UAUTHOR{n:03d}"
        draft = idea_draft(title=f"Idea {n}", funding_requested=(requests or [1500] * 6)[n])
        made.append(ideas.submit_idea(ctx, author, challenge.id, draft).idea.id)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    with ctx.db.transaction() as s:
        for idea_id, count in zip(made, votes, strict=True):
            for v in range(count):
                s.add(Vote(challenge_id=challenge.id, idea_id=idea_id, voter_id=f"UV{idea_id}x{v}"))
    return challenge.id, made


def open_panel(lair, challenge_id) -> dict[int, str]:
    """Set the panel and close voting through Slack; returns idea id -> panel message ts."""
    said = said_privately(lair, lambda: lair.send.command(
        COORDINATOR, "/challenge", f"panel <@{D1}|one> <@{D2}|two> <@{D3}|three>"))["text"]  # fmt: skip
    assert "is now" in said and "conflict" not in said  # no shortlist yet
    said = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"advance {challenge_id}")
    )
    assert "With the panel" in said["text"]
    wait_until(lambda: len(parents_posted(lair)) == 5)
    # Wait outside any transaction: on SQLite an open one holds the writer lock the sender needs.
    wait_until(lambda: posted.count(lair.ctx, "idea:%:panel") == 5)
    with lair.ctx.transaction() as s:
        shortlisted = list(s.exec(select(Idea.id).where(Idea.shortlisted.is_(True))))
    return {i: posted.panel(lair.ctx, i).message_id for i in shortlisted}


def parents_posted(lair) -> list[dict]:
    return [
        c.args for c in lair.slack.calls_to("chat.postMessage") if c.args["channel"] == "CPANEL"
    ]


def said_privately(lair, action) -> dict:
    """Do `action` (a request) and return what the app said privately through response_url."""
    before = len(lair.slack.calls_to("response_url"))
    action()
    return lair.slack.wait_for("response_url", before + 1)[-1].args


def press(lair, user, action_id, idea_id, ts) -> None:

    reply = lair.send.block_action(user, action_id, str(idea_id), channel="CPANEL", message_ts=ts)
    assert reply.status == 200


def score_by_modal(lair, user, idea_id, ts, values, comment="", share=False) -> None:
    before = len(lair.slack.calls_to("views.open"))
    ephemerals = len(lair.slack.calls_to("chat.postEphemeral"))
    press(lair, user, "score_idea", idea_id, ts)
    view = lair.slack.wait_for("views.open", before + 1)[-1].args["view"]
    assert view["callback_id"] == "score_idea"
    form = {f"score.{k}": str(v) for k, v in zip(KEYS, values, strict=True)}
    form["comment"] = comment
    form["share_comment"] = ["share"] if share else []
    reply = lair.send.view_submission(user, view, form)
    assert reply.status == 200 and not reply.body, reply.body
    confirmation = lair.slack.wait_for("chat.postEphemeral", ephemerals + 1)[-1].args
    assert confirmation["user"] == user and confirmation["thread_ts"] == ts


def reply_in_thread(lair, user, ts, text, *, event_id=None, retry_num=None, wait=True):
    """Post a thread reply event; returns the private answer (or None when wait=False)."""
    before = len(lair.slack.calls_to("chat.postEphemeral"))
    event = {"type": "message", "channel": "CPANEL", "user": user, "text": text,
             "ts": f"{time.time():.6f}", "thread_ts": ts, "channel_type": "channel"}  # fmt: skip
    reply = lair.send.event(event, event_id=event_id, retry_num=retry_num)
    assert reply.status == 200
    if not wait:
        return None
    answer = lair.slack.wait_for("chat.postEphemeral", before + 1)[-1].args
    assert answer["user"] == user and answer["channel"] == "CPANEL" and answer["thread_ts"] == ts
    return answer


def nothing_more(lair, method, count, settle=0.6) -> None:
    time.sleep(settle)
    assert len(lair.slack.calls_to(method)) == count


def scorecards(lair, idea_id=None, member=None) -> int:
    with lair.ctx.db.transaction() as s:
        query = select(func.count()).select_from(Scorecard)
        if idea_id is not None:
            query = query.where(Scorecard.idea_id == idea_id)
        if member is not None:
            query = query.where(Scorecard.member_id == member)
        return s.exec(query).one()


def test_three_members_score_five_ideas_in_slack(lair):
    challenge_id, made = make_challenge(lair.ctx)
    ts = open_panel(lair, challenge_id)
    i0, i1, i2, i3, i4 = made[:5]
    assert set(ts) == {i0, i1, i2, i3, i4} and made[5] not in ts  # top five by votes
    parent = next(p for p in parents_posted(lair) if p["text"].startswith("Shortlisted: Idea 0"))
    buttons = [
        e["action_id"] for b in parent["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["score_idea", "show_panel_scores", "declare_conflict"]
    assert "0 of 3 scored" in parent["text"]
    assert "0 of 2 scored" in next(p["text"] for p in parents_posted(lair) if "Idea 2" in p["text"])

    # D1 scores every idea through the Score button's form.
    for n, idea in enumerate(made[:5]):
        score_by_modal(
            lair, D1, idea, ts[idea], [5 - n, 4, 4, 3, 3], comment=f"D1 on {n}", share=n == 0
        )
    assert scorecards(lair, member=D1) == 5

    # Blind: D2 has not scored idea 0, so cannot see the panel's scores for it.
    opened = len(lair.slack.calls_to("views.open"))
    refusal = said_privately(lair, lambda: press(lair, D2, "show_panel_scores", i0, ts[i0]))
    assert "Score this idea first" in refusal["text"] and refusal["response_type"] == "ephemeral"
    nothing_more(lair, "views.open", opened, settle=0.3)

    # D2 scores by thread replies: positional and by name, with comments.
    answer = reply_in_thread(lair, D2, ts[i0], "score 4 3 5 4 2 strong case &amp; cheap")
    assert "Scored *Idea 0*" in answer["blocks"][0]["text"]["text"]
    assert "2 of 3 panel members" in answer["blocks"][0]["text"]["text"]
    reply_in_thread(
        lair, D2, ts[i1], "impact=3 feasibility=3 value=4 innovation=2 learning=5 needs a pilot"
    )
    reply_in_thread(lair, D2, ts[i2], "score 2 2 2 2 2")
    reply_in_thread(lair, D2, ts[i4], "Score: 3, 3, 3, 3, 3")
    # ...and now D2 may see idea 0's scores: D1's included.
    press(lair, D2, "show_panel_scores", i0, ts[i0])
    shown = lair.slack.wait_for("views.open", opened + 1)[-1].args["view"]
    text = str(shown["blocks"])
    assert f"<@{D1}>" in text and "D1 on 0" in text and "strong case &amp; cheap" in text

    # A malformed reply gets a private hint with a correct example; nothing is stored.
    hint = reply_in_thread(lair, D2, ts[i3], "score 4 3")
    assert "I need 5 scores" in hint["text"] and "`score 4 3 5 4 2 strong case" in hint["text"]
    assert scorecards(lair, i3, D2) == 0

    # A redelivered event (same event_id, X-Slack-Retry-Num) records one score.
    reply_in_thread(lair, D2, ts[i3], "score 3 4 3 4 3", event_id="EvREDELIVERED1")
    ephemerals = len(lair.slack.calls_to("chat.postEphemeral"))
    reply_in_thread(
        lair, D2, ts[i3], "score 3 4 3 4 3", event_id="EvREDELIVERED1", retry_num=1, wait=False
    )
    nothing_more(lair, "chat.postEphemeral", ephemerals)
    assert scorecards(lair, i3, D2) == 1
    with lair.ctx.db.transaction() as s:
        recorded = s.exec(select(AuditEvent).where(AuditEvent.action == "score.recorded",
                                                   AuditEvent.subject == f"idea:{i3}")).all()  # fmt: skip
        assert [e.detail["member"] for e in recorded] == [D1, D2]

    # A non-panel member's attempt is refused privately; their discussion is left alone.
    refused = reply_in_thread(lair, OUTSIDER, ts[i1], "score 5 5 5 5 5")
    assert "Only the challenge's panel can score" in refused["text"]
    ephemerals = len(lair.slack.calls_to("chat.postEphemeral"))
    reply_in_thread(lair, OUTSIDER, ts[i1], "I'd score this one highly, great team", wait=False)
    reply_in_thread(lair, D2, ts[i1], "Agree it needs a pilot", wait=False)
    nothing_more(lair, "chat.postEphemeral", ephemerals)
    assert scorecards(lair, member=OUTSIDER) == 0

    # D3 mixes: a form, a thread reply, a declared conflict — and cannot score their own idea.
    score_by_modal(lair, D3, i0, ts[i0], [3, 3, 3, 3, 3])
    reply_in_thread(lair, D3, ts[i1], "score 4 4 4 4 4")
    own = said_privately(lair, lambda: press(lair, D3, "score_idea", i2, ts[i2]))
    assert "You cannot score “Idea 2”: you submitted it" in own["text"]
    refused = reply_in_thread(lair, D3, ts[i2], "score 5 5 5 5 5")
    assert "you submitted it" in refused["text"]
    opened = len(lair.slack.calls_to("views.open"))
    press(lair, D3, "declare_conflict", i3, ts[i3])
    conflict_form = lair.slack.wait_for("views.open", opened + 1)[-1].args["view"]
    ephemerals = len(lair.slack.calls_to("chat.postEphemeral"))
    reply = lair.send.view_submission(D3, conflict_form, {"reason": "I line-manage the author"})
    assert reply.status == 200 and not reply.body
    noted = lair.slack.wait_for("chat.postEphemeral", ephemerals + 1)[-1].args
    assert "conflict of interest with *Idea 3*" in noted["text"] and noted["thread_ts"] == ts[i3]
    refused = reply_in_thread(lair, D3, ts[i3], "score 5 5 5 5 5")
    assert "declared a conflict" in refused["text"]
    reply_in_thread(lair, D3, ts[i4], "impact=2 feasibility=2 value=2 innovation=2 learning=2")
    # D3 changes a score; the latest counts and the change is audited.
    reply_in_thread(lair, D3, ts[i4], "impact=5 second thoughts")

    # The counts: the author and the declared conflict drop out of their ideas' counts.
    expected = {i0: (3, 3), i1: (3, 3), i2: (2, 2), i3: (2, 2), i4: (3, 3)}
    with lair.ctx.db.transaction() as s:
        assert {i: scoring.progress(s, s.get(Idea, i)) for i in expected} == expected
        ranks = {r.idea_id: r for r in ranking.rank_ideas(s, challenge_id)}
        change = s.exec(select(AuditEvent).where(AuditEvent.action == "score.changed")).one()
        declared = s.exec(select(AuditEvent).where(AuditEvent.action == "conflict.declared")).one()
    assert {i: ranks[i].scorers for i in expected} == {i: k for i, (k, _n) in expected.items()}
    assert ranks[i4].means[0] == (1 + 3 + 5) / 3
    assert (
        change.detail["old"]["impact_for_residents"] == 2
        and change.detail["new"]["impact_for_residents"] == 5
    )
    assert declared.actor_id == D3 and declared.detail["reason"] == "I line-manage the author"
    assert scorecards(lair) == 5 + 5 + 3  # D1 five, D2 five, D3 three

    def latest_parent(idea):
        updates = [c.args for c in lair.slack.calls_to("chat.update") if c.args["ts"] == ts[idea]]
        return updates[-1]["text"] if updates else ""

    wait_until(
        lambda: "2 of 2 scored" in latest_parent(i3) and "3 of 3 scored" in latest_parent(i4)
    )


def test_decisions_are_recorded_announced_once_and_every_author_told(lair):
    # Pot £20,000, max £5,000. The top four by score ask £5,000, £5,000, £5,000 and £5,000.
    challenge_id, made = make_challenge(lair.ctx, requests=[5000, 5000, 5000, 5000, 4000, 100])
    ts = open_panel(lair, challenge_id)
    i0, i1, i2, i3, i4 = made[:5]
    for member, bump in ((D1, 0), (D2, 1)):
        for n, idea in enumerate(made[:5]):
            values = dict(zip(KEYS, [min(5, 5 - n + bump)] * 5, strict=True))
            scoring.record_scores(lair.ctx, member=member, idea_id=idea, values=values,
                                  comment=f"{member} thinks {n}", share_comment=member == D1,
                                  via="test")  # fmt: skip
    assert ts

    refusal = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"decide {challenge_id}")
    )
    assert "once the panel has closed" in refusal["text"]
    said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"advance {challenge_id}")
    )
    assert lair.send.command(COORDINATOR, "/challenge", f"decide {challenge_id}").status == 200
    assert (
        lair.slack.wait_for("views.open")[-1]
        .args["view"]["blocks"][0]["text"]["text"]
        .startswith("Working")
    )
    view = lair.slack.wait_for("views.update")[-1].args["view"]
    assert view["callback_id"] == "decide"
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    # Pre-filled with the recommendation: the top four fit the £20,000 pot exactly.
    for idea in (i0, i1, i2, i3):
        assert blocks[f"outcome.{idea}"]["element"]["initial_option"]["value"] == "fund"
        assert blocks[f"award.{idea}"]["element"]["initial_value"] == "£5,000"
    assert blocks[f"outcome.{i4}"]["element"]["initial_option"]["value"] == "dont_fund"
    assert "does not fit" in blocks[f"outcome.{i4}"]["hint"]["text"]

    # Too much in awards is refused beside the award; nothing is announced.
    reply = lair.send.view_submission(
        COORDINATOR, view, {f"outcome.{i4}": "fund", f"award.{i4}": "£4,000"}
    )
    assert reply.json()["response_action"] == "errors"
    assert "more than the £20,000 fund pot" in str(reply.json()["errors"])
    # Defer one instead, and announce.
    reply = lair.send.view_submission(COORDINATOR, view, {f"outcome.{i3}": "defer"})
    assert reply.status == 200 and not reply.body, reply.body

    def results():
        return [c.args for c in lair.slack.calls_to("chat.postMessage")
                if c.args["channel"] == "CCHALLENGE" and c.args["text"].startswith("Results")]  # fmt: skip

    authors = {f"UAUTHOR{n:03d}" for n in (0, 1, 3, 4, 5)} | {D3}

    def dms():  # outcome DMs (authors were also told when voting opened)
        return [c.args for c in lair.slack.calls_to("chat.postMessage")
                if c.args["channel"].startswith("U") and c.args["channel"] != COORDINATOR
                and "Voting is open" not in c.args["text"]]  # fmt: skip

    wait_until(lambda: len(results()) == 1 and len(dms()) >= len(authors))
    text = str(results()[0]["blocks"])
    assert "Idea 0" in text and "Idea 3" not in text and "£15,000 of the £20,000 pot" in text
    assert sorted(d["channel"] for d in dms()) == sorted(authors)
    funded = next(d for d in dms() if d["channel"] == "UAUTHOR000")
    assert "is funded: £5,000" in funded["text"]
    feedback = str(funded["blocks"])
    assert (
        "thinks 0" in feedback and f"{D1} thinks 0" in feedback and f"{D2} thinks 0" not in feedback
    )
    assert "Impact for residents 5.0" in feedback
    unlisted = next(d for d in dms() if d["channel"] == "UAUTHOR005")
    assert "was not shortlisted" in unlisted["text"]
    assert "deferred" in next(d for d in dms() if d["channel"] == "UAUTHOR003")["text"]
    assert "not funded" in next(d for d in dms() if d["channel"] == "UAUTHOR004")["text"]
    summary = [
        c.args["text"]
        for c in lair.slack.calls_to("chat.postMessage")
        if c.args["channel"] == COORDINATOR
    ]
    assert any("3 funded, £15,000 of the £20,000 pot" in t for t in summary)

    # Decided once: a second /challenge decide is refused, and nothing is announced again.
    final = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"decide {challenge_id}")
    )
    assert "decisions are final" in final["text"]
    time.sleep(0.6)
    assert len(results()) == 1 and len(dms()) == len(authors)
    with lair.ctx.db.transaction() as s:
        actions = [
            e.action
            for e in s.exec(select(AuditEvent).where(AuditEvent.challenge_id == challenge_id))
        ]
    assert actions.count("decision.recorded") == 5 and actions.count("results.announced") == 1


def test_a_shortlist_longer_than_one_modal_is_decided_page_by_page(lair):
    # 47 ideas with no votes all tie at the cut, so all are shortlisted.
    challenge_id, made = make_challenge(lair.ctx, votes=[0] * 47, requests=[1000] * 47)
    with lair.ctx.db.transaction() as s:
        s.add(PanelMember(challenge_id=challenge_id, user_id=D1, added_by=COORDINATOR))
    advance(lair.ctx, challenge_id=challenge_id, actor=COORDINATOR)
    for idea in made[:2]:
        scoring.record_scores(
            lair.ctx, member=D1, idea_id=idea, values=dict.fromkeys(KEYS, 4), via="test"
        )
    advance(lair.ctx, challenge_id=challenge_id, actor=COORDINATOR)

    assert lair.send.command(COORDINATOR, "/challenge", f"decide {challenge_id}").status == 200
    first = lair.slack.wait_for("views.update")[-1].args["view"]
    assert len(first["blocks"]) <= 100 and first["submit"]["text"] == "Save and next"
    reply = lair.send.view_submission(COORDINATOR, first, {f"outcome.{made[1]}": "defer"})
    body = reply.json()
    assert body["response_action"] == "update", body
    second = body["view"]
    assert second["submit"]["text"] == "Save"
    outcomes = [
        b["block_id"] for b in second["blocks"] if b.get("block_id", "").startswith("outcome.")
    ]
    assert len(outcomes) == 47 - 45
    reply = lair.send.view_submission(COORDINATOR, second, {})
    assert reply.status == 200 and not reply.body, reply.body

    def outcome_dms():  # authors were also told when voting opened; count the outcomes only
        return [c for c in lair.slack.calls_to("chat.postMessage")
                if (c.args["channel"].startswith("UAUTHOR") or c.args["channel"] == D3)
                and "Voting is open" not in c.args["text"]]  # fmt: skip

    wait_until(lambda: len(outcome_dms()) >= 47)
    time.sleep(0.3)
    assert len(outcome_dms()) == 47
    with lair.ctx.db.transaction() as s:
        decided = dict(s.exec(select(Decision.idea_id, Decision.outcome)).all())
    assert len(decided) == 47 and decided[made[0]] == "fund" and decided[made[1]] == "defer"
