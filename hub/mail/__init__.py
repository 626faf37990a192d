"""E-mail as the hub keeps it: an organisation's servers, its mailboxes, and every mail's
identity so that replies find their case."""
