"""SMS as the hub keeps it: an organisation's provider and numbers, opt-outs, and every
received SMS's identity so that a replayed webhook stores nothing new."""
