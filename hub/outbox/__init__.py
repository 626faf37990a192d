"""The outbox: every message leaving the hub, one ``Delivery`` per recipient and channel."""
