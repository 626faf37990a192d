"""In-app notifications and who wants to hear of what, by which channel."""
