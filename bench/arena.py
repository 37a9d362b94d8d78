"""Content for the bench, made through the services' own RPCs and queues (so it has the shape the
services give it), except the citizens' accounts: written straight into the gateway's database
with one shared password hash, and their tokens signed with the dev secret."""
import os
import sys
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from kombu import Connection
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "services" / "gateway"))
sys.path.insert(0, str(ROOT / "scripts"))
from stored_votes import stored_tallies  # noqa: E402

PASSWORD = "bench-password-123"


class Arena:
    def __init__(self, platform, say):
        os.environ.update({"AMQP_URI": platform.amqp_uri, "MONGO_URI": platform.mongo_uri,
                           "MONGO_DB": f"{platform.db_prefix}gateway"})
        from meedenken_gateway.app import Gateway
        from meedenken_gateway.importer import Importer
        from meedenken_gateway.settings import Settings
        self.platform = platform
        self.say = say
        self.gateway = Gateway(Settings.from_env())
        self.rpc = self.gateway.rpc
        self.importer = Importer(self.gateway, say=lambda _: None)
        self.mongo = MongoClient(platform.mongo_uri)
        self.votes_db = self.mongo[f"{platform.db_prefix}votes"]
        self.notifications_db = self.mongo[f"{platform.db_prefix}notifications"]
        self._citizens = 0

    def close(self):
        self.gateway.close()
        self.mongo.close()

    def organisation(self, slug, name):
        self.rpc.call("topics", "create_org", {"slug": slug, "name": name})
        email = f"official@{slug}.nl"
        self.importer.account(email, PASSWORD, f"Ambtenaar {slug}", {slug: "official"})
        return email

    def topic(self, org, official, title, statements):
        """A topic in consult with its statements; returns (topic, statement ids)."""
        topic = self.importer.topic({"org": org, "title": title, "summary": "Bench", "author": official,
                                     "phases": [{"phase": "inform"}, {"phase": "consult"}],
                                     "statements": [{"text": f"Stelling {n}"} for n in range(statements)]})
        found = self.mongo[f"{self.platform.db_prefix}topics"].statements.find({"topic_id": topic["id"]}).sort("_id", 1)
        return topic, [s["_id"] for s in found]

    def citizens(self, count):
        """``count`` new citizens: [(account id, token)]."""
        from meedenken_gateway import accounts
        shared_hash = accounts._hasher.hash(PASSWORD)
        now = datetime.now(timezone.utc)
        first = self._citizens + 1
        self._citizens += count
        docs = [{"_id": f"{n:024x}", "email": f"c{n}@bench.nl", "password_hash": shared_hash,
                 "display_name": f"Burger {n}", "roles": {}, "created_at": now} for n in range(first, first + count)]
        for start in range(0, len(docs), 5000):
            self.gateway.db.accounts.insert_many(docs[start:start + 5000], ordered=False)
        return [(doc["_id"], accounts.issue_token(self.gateway.settings, doc["_id"])) for doc in docs]

    def proposals(self, org, author, count):
        return [self.rpc.call("topics", "submit_agenda_proposal", self.importer.actor(author), {
            "org": org, "title": f"Agendapunt {n}", "motivation": "Omdat het de buurt aangaat."})["id"]
            for n in range(count)]

    def calls(self, service, method, argument_lists, window=4):
        """Many RPCs with up to ``window`` in flight; returns their results in order."""
        results, flight = [], deque()
        for args in argument_lists:
            flight.append(self.rpc.call_async(service, method, *args))
            if len(flight) >= window:
                results.append(self.rpc.result(service, flight.popleft()))
        results.extend(self.rpc.result(service, future) for future in flight)
        return results

    def reactions(self, topic_id, citizens, threads, replies):
        """``threads`` top-level reactions with ``replies`` replies each, by the given citizens."""
        def actor(n):
            account_id = citizens[n % len(citizens)][0]
            return {"id": account_id, "name": f"Burger {int(account_id, 16)}", "roles": {}}
        parents = self.calls("topics", "post_reaction", [
            (actor(n), topic_id, {"body": f"Reactie {n} op dit onderwerp.", "parent_id": None}) for n in range(threads)])
        self.calls("topics", "post_reaction", [
            (actor(n * 7 + r + 1), topic_id, {"body": f"Antwoord {r} op reactie {n}.", "parent_id": parent["id"]})
            for n, parent in enumerate(parents) for r in range(replies)])

    def followers(self, topic_id, citizens):
        self.calls("notifications", "follow", [({"account_id": account_id, "topic_id": topic_id},)
                                               for account_id, _ in citizens])

    def answers(self, topic_id, statements, citizens, per_citizen):
        """Answers queued the way the gateway queues them (packs into the votes service's queue);
        returns once all are counted."""
        from meedenken_kit.envelope import rfc3339
        from meedenken_kit.partitioned import PartitionedQueue
        choices = ("agree", "disagree", "pass")
        items = [{"ballot_id": f"seed-{n}-{k}", "statement_id": statements[(n + k) % len(statements)],
                  "topic_id": topic_id, "account_id": account_id, "choice": choices[(n * 7 + k) % 3],
                  "cast_at": rfc3339(datetime.now(timezone.utc), timespec="microseconds")}
                 for n, (account_id, _) in enumerate(citizens) for k in range(per_citizen)]
        queue = PartitionedQueue("votes.answers", self.gateway.settings.vote_partitions)
        with Connection(self.platform.amqp_uri, transport_options={"confirm_publish": True}) as connection:
            producer = connection.Producer()
            for n, start in enumerate(range(0, len(items), 500)):
                producer.publish({"items": items[start:start + 500]}, serializer="json", exchange=queue.exchange,
                                 routing_key=f"p{n % queue.partitions}", delivery_mode=2)
        while counted(self.votes_db, statements) < len(items):
            time.sleep(0.5)
        return len(items)


CHOICES = ("agree", "disagree", "pass")


def counted(votes_db, statements):
    return sum(t.get(c, 0) for t in stored_tallies(votes_db, statements).values() for c in CHOICES)


def recount(votes_db, statements):
    """(answers stored, how far the tallies are from a recount of the stored answers)."""
    stored = {}
    for answer in votes_db.responses.find({"statement_id": {"$in": statements}}, {"statement_id": 1, "choice": 1}):
        key = (answer["statement_id"], answer["choice"])
        stored[key] = stored.get(key, 0) + 1
    tallies = {(s, c): t.get(c, 0) for s, t in stored_tallies(votes_db, statements).items() for c in CHOICES}
    return sum(stored.values()), sum(abs(tallies.get(k, 0) - stored.get(k, 0)) for k in set(stored) | set(tallies))


def support_recount(votes_db, proposals):
    """(supports stored, how far the proposals' counters are from a recount)."""
    stored = {p: 0 for p in proposals}
    for support in votes_db.supports.find({"proposal_id": {"$in": proposals}}, {"proposal_id": 1}):
        stored[support["proposal_id"]] += 1
    counters = {p["_id"]: p.get("supports", 0) for p in votes_db.proposals.find({"_id": {"$in": proposals}})}
    return sum(stored.values()), sum(abs(counters.get(p, 0) - n) for p, n in stored.items())
