"""Websocket doors: they authorise, call actions, and forward the events actions publish."""
