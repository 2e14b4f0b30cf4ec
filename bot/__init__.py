"""The Slack adapter: Bolt app, listeners, Block Kit views, scheduler wiring and the CLI."""
