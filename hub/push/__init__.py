"""Web Push: members' devices that take push notifications, and the hub's VAPID keys."""
