"""A local Slack for trying Lair without a workspace: a fake Web API that records (and can
print) what the bot sends, and a sender of signed, Slack-shaped requests. Used by
`lair demo` and by the end-to-end tests."""
