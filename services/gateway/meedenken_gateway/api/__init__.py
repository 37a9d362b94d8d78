"""JSON resources of /api/v1 by area; ``ROUTES`` is the whole table."""
from . import accounts, agenda, me, polls, system, topics

ROUTES = [*system.ROUTES, *accounts.ROUTES, *topics.ROUTES, *agenda.ROUTES, *me.ROUTES, *polls.ROUTES]
