"""SMS: providers, segments, webhooks."""
