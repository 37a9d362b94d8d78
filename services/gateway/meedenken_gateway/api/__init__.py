"""JSON resources of /api/v1 by area; ``ROUTES`` is the whole table."""
from . import (accounts, agenda, ambassadors, election_matches, feeds, mail, me, moderation, opinions, outreach, polls,
               solutions, system, topics, webhooks)

ROUTES = [*system.ROUTES, *accounts.ROUTES, *topics.ROUTES, *solutions.ROUTES, *agenda.ROUTES, *me.ROUTES,
          *polls.ROUTES, *opinions.ROUTES, *election_matches.ROUTES, *webhooks.ROUTES,
          *feeds.ROUTES, *outreach.ROUTES, *moderation.ROUTES, *mail.ROUTES, *ambassadors.ROUTES]
