"""The Microsoft Teams adapter: the Teams SDK app, its handlers and Adaptive Cards, and the
outbox's Teams sender."""
