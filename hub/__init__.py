"""The hub: one conversation per case, for field-service companies."""
