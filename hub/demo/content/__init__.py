"""The demo organisations, one module each (the biggest split by cases to stay readable)."""
