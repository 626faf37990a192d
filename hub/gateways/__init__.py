"""The gateway worker: the outbox dispatcher, the mail listeners and (later) SMS and the
scheduler. Doors to the outside world; they call actions and never write models themselves."""
