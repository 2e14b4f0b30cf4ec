"""A council's Teams tenant with Lair in it: Cora the coordinator, a team with an ideas
channel and a panel channel, and shortcuts (through the domain) to a challenge and its ideas
for tests about what comes after."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.teams_connector import Channel, Person, Posted, Team
from challenges import ideas, outbox, panel, places, setup
from challenges.stages import Stage
from challenges.transitions import advance
from storage.models import Challenge, Idea
from tests.challenges.factories import challenge_draft, idea_draft
from tests.teams.e2e.conftest import COORDINATOR, TeamsLair
from tests.teams.e2e.driving import Driver, button, card_of, has_button

# The standard criteria's keys, in order (challenges.inputs.DEFAULT_CRITERIA).
CRITERIA = (
    "impact_for_residents",
    "feasibility",
    "value_for_money",
    "innovation",
    "learning_potential",
)


@dataclass
class World:
    lair: TeamsLair
    drive: Driver
    cora: Person
    team: Team
    ideas: Channel
    dragons: Channel

    @property
    def ctx(self):
        return self.lair.ctx

    def person(self, name: str, *, install: bool = True) -> Person:
        found = self.lair.connector.person(name)
        self.lair.connector.team(self.team.name, members=[found])
        if install:
            self.drive.install(found)
        return found

    def challenge(self, *, stage: Stage = Stage.SUBMISSIONS, **overrides) -> Challenge:
        values = {"channel_id": self.ideas.id, "panel_channel_id": self.dragons.id, **overrides}
        found = setup.create_challenge(self.ctx, self.cora.aad_object_id, challenge_draft(**values))
        while Stage(found.stage) != stage:
            self.advance(found.id)
            found = setup.load(self.ctx, found.id)
        return found

    def advance(self, challenge_id: int) -> Stage:
        stage = advance(self.ctx, challenge_id=challenge_id, actor=self.cora.aad_object_id)
        self.lair.kick()
        return stage

    def idea(self, author: Person, challenge: Challenge, **overrides) -> Idea:
        idea = ideas.submit_idea(
            self.ctx, author.aad_object_id, challenge.id, idea_draft(**overrides)
        ).idea
        self.lair.kick()
        return idea

    def panel_round(
        self, count: int = 3, *, authors_installed: bool = False, requests=(), **settings
    ):
        """A challenge at the panel stage: `count` ideas (all shortlisted), Dana and Eli on the panel."""
        challenge = self.challenge(shortlist_size=count, **settings)
        authors = [self.person(f"Author {n}", install=authors_installed) for n in range(count)]
        asks = list(requests) or ["£1,500"] * count
        found = [self.idea(a, challenge, title=f"Idea {n}", funding_requested=asks[n])
                 for n, a in enumerate(authors)]  # fmt: skip
        dana, eli = self.person("Dana Dragon"), self.person("Eli Dragon")
        members = [dana.aad_object_id, eli.aad_object_id]
        panel.set_panel(self.ctx, self.cora.aad_object_id, challenge.id, members)
        self.advance(challenge.id)
        self.advance(challenge.id)
        return setup.load(self.ctx, challenge.id), found, dana, eli

    def scored(self, idea_id: int) -> str:
        """What the idea's panel message says of its scoring ("k of n")."""
        card = self.panel_parent(idea_id).cards[0]
        facts = [f for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]]
        return next(f["value"] for f in facts if f["title"] == "Scored")

    def settle(self) -> None:
        """Wait until the outbox has nothing left to send."""
        self.lair.kick()
        self.lair.connector.wait_until(
            lambda: outbox.pending_count(self.ctx) == 0, what="the outbox empty"
        )

    def card(self, idea_id: int) -> Posted:
        """The idea's card in the challenge channel, once the outbox has posted it."""
        return self._posted(places.card(idea_id))

    def vote_button(self, idea_id: int) -> tuple[Posted, dict]:
        """The idea's card once it has its Vote button (redrawn when voting opens), and the button."""
        self.lair.connector.wait_until(lambda: has_button(card_of(self.card(idea_id)), "Vote"),
                                       what="the Vote button")  # fmt: skip
        posted = self.card(idea_id)
        return posted, button(card_of(posted), "Vote")

    def panel_parent(self, idea_id: int) -> Posted:
        return self._posted(places.panel(idea_id))

    def _posted(self, key: str) -> Posted:
        def found():
            with self.ctx.transaction() as session:
                return places.find(session, key)

        ref = self.lair.connector.wait_until(found, what=f"{key} posted")
        return self.lair.connector.message(ref.message_id)


def world(lair: TeamsLair, drive: Driver) -> World:
    cora = lair.connector.person(COORDINATOR)
    drive.install(cora)
    team = drive.team("Innovation", ["Ideas", "Dragons"], [cora], by=cora)
    return World(lair, drive, cora, team, team.channel("Ideas"), team.channel("Dragons"))
