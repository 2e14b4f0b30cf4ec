"""Block Kit builders for voting, asserted on their dicts."""

from bot.slack.listeners.votes import reply
from bot.slack.views.lists import vote_counts
from challenges.tallies import Standing
from challenges.voting import VoteOutcome


def outcome(**kw) -> VoteOutcome:
    values = dict(idea_id=3, idea_title="Bins <b> & more", challenge_id=1, backed=True,
                  changed=True, votes_left=1, budget=3, tally_live=False)  # fmt: skip
    values.update(kw)
    return VoteOutcome(**values)


def test_replies_say_what_happened_and_what_is_left_with_the_title_escaped():
    assert reply(outcome()) == "You backed *Bins &lt;b&gt; &amp; more*. 1 of 3 votes left."
    assert reply(outcome(backed=False, votes_left=2)) == (
        "You took your vote back from *Bins &lt;b&gt; &amp; more*. 2 of 3 votes left."
    )
    assert "take a vote back" in reply(outcome(votes_left=0))
    assert reply(outcome(changed=False)) == (
        "You back *Bins &lt;b&gt; &amp; more* · 1 of 3 votes left · press again to take it back."
    )
    assert reply(outcome(changed=False, backed=False, votes_left=3)) == (
        "You do not back *Bins &lt;b&gt; &amp; more* · 3 of 3 votes left · press again to back it."
    )


def test_vote_counts_list_counts_only_and_stay_within_a_section():
    standings = [Standing(n, f"<!channel> idea {n} " + "x" * 90, 100 - n) for n in range(60)]
    text = vote_counts(standings)
    assert len(text) <= 3000
    assert text.splitlines()[1].startswith("100 · &lt;!channel&gt; idea 0")
    assert text.endswith("more.")
    assert "<!channel>" not in text
