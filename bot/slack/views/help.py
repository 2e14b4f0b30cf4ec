"""Help text for the slash commands."""

IDEA_HELP = """*Lair: share an idea for a Dragon's Lair challenge*
• `/idea` — submit an idea (you'll be asked which challenge if several are open)
• `/idea 4` — submit an idea to challenge #4
• `/idea mine` — your ideas, where they stand, and buttons to edit or withdraw them
• `/idea update` — share (or change) your funded idea's learning update; `/idea update 12` names the idea
• `/idea help` — this help
You can also use *Submit as idea* from any message's ⋯ menu, or the *Submit an idea* button on a challenge's announcement.
Voting: press *Vote* on the ideas you back, within your votes for the challenge (press it again to take a vote back while voting is open). You cannot vote for an idea you are on the team of. Who voted for what is never shown to anyone."""

CHALLENGE_HELP = """*Lair for coordinators*
• `/challenge new` — create a challenge (saved as a draft)
• `/challenge list` — every challenge and its stage
• `/challenge status 4` — numbers for challenge #4 (only you see them)
• `/challenge edit 4` — change challenge #4's settings and dates
• `/challenge advance 4` — move challenge #4 to its next stage now
• `/challenge shortlist 4` — adjust the shortlist before scoring starts
• `/challenge panel 4 @alex @sam` — set the panel
• `/challenge decide 4` — record funding decisions
• `/challenge export 4` — the workbook for the fund panel, sent to you privately
• `/challenge learning 4` — funded ideas' learning updates: received, due, overdue, with *Nudge*
• `/challenge grant @user` — make someone a coordinator
• `/challenge person @user` — everything Lair holds about someone, sent to you privately (`… json` for JSON); `/challenge person @user erase` erases them, after you confirm
• `/challenge help` — this help
Where a command takes a number and only one challenge is running, you can leave the number out."""
