"""Meedenken notifications service: follows and the in-app inbox, fed by the other services' events."""
