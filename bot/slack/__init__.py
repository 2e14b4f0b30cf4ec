"""The Slack adapter: the Bolt app, its listeners and Block Kit views, and the outbox's Slack sender."""
