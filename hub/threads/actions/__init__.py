"""Every change to a case, its messages and files. Nothing else writes these rows or publishes.

Each ``do_*`` runs in one transaction, writes the case's event log, and publishes its typed
events after commit through ``hub.events.send_event_on_commit``. They trust the caller to have
fetched the case through ``hub.threads.access`` (that is the authorisation of *seeing* it) and
check themselves what the member may *do* with it.
"""
