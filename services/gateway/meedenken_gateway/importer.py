"""Load a platform's starting content (organisations, accounts, topics with statements, answers and
reactions, agenda proposals with supports) from a JSON file such as demo/demo.json. Everything goes
through the services' RPCs, so the same events are published as when people do it by hand.
Loading the same file twice changes nothing: an organisation that already exists is skipped."""
import json

from . import accounts
from .rpc import RemoteError


class Importer:
    def __init__(self, gateway, say=print):
        self.gateway = gateway
        self.rpc = gateway.rpc
        self.say = say
        self.people = {}

    def account(self, email, password=None, display_name=None, roles=None):
        """The account with this e-mail, created (with these roles) when new."""
        db = self.gateway.db
        account = accounts.find_by_email(db, email)
        if account is None:
            account = accounts.register(self.gateway.mongo, db, email, password, display_name or accounts.default_display_name(email))
        for org, role in (roles or {}).items():
            if account.get("roles", {}).get(org) != role:
                account = accounts.grant_role(self.gateway.mongo, db, account["_id"], org, role)
        self.people[accounts.normalise_email(email)] = account
        return account

    def actor(self, email):
        account = self.people[accounts.normalise_email(email)]
        return {"id": account["_id"], "name": account["display_name"], "roles": account.get("roles", {})}

    def load(self, content):
        new_orgs = set()
        for org in content.get("organisations", []):
            try:
                self.rpc.call("topics", "create_org", {k: org[k] for k in ("slug", "name", "kind", "support_threshold", "theme")
                                                       if k in org})
                new_orgs.add(org["slug"])
                self.say(f"organisation {org['slug']} created")
            except RemoteError as exc:
                if exc.exc_type != "Conflict":
                    raise
                self.say(f"organisation {org['slug']} exists: its content is not loaded again")
        for person in content.get("accounts", []):
            self.account(person["email"], person["password"], person["display_name"], person.get("roles"))
        for topic in content.get("topics", []):
            if topic["org"] in new_orgs:
                self.topic(topic)
        for proposal in content.get("agenda_proposals", []):
            if proposal["org"] in new_orgs:
                self.proposal(proposal)
        self.gateway.relay.wake()
        return new_orgs

    def topic(self, spec):
        author = self.actor(spec["author"])
        topic = self.rpc.call("topics", "create_topic", author, {
            k: spec[k] for k in ("org", "title", "summary", "body", "tags") if k in spec})
        statements = []
        for step in spec.get("phases", []):
            self.rpc.call("topics", "change_phase", author, topic["id"], {"phase": step["phase"],
                                                                          "note": step.get("note", "")})
            if step["phase"] == spec.get("statements_in", "consult"):
                statements = [self.rpc.call("topics", "add_statement", self.actor(s.get("author", spec["author"])),
                                            topic["id"], {"text": s["text"]}) for s in spec.get("statements", [])]
                for s, statement in zip(spec.get("statements", []), statements):
                    for email, choice in s.get("responses", {}).items():
                        self.rpc.call("votes", "record_response", {
                            "account_id": self.actor(email)["id"], "statement_id": statement["id"],
                            "topic_id": topic["id"], "choice": choice})
                for reaction in spec.get("reactions", []):
                    parent = self.rpc.call("topics", "post_reaction", self.actor(reaction["author"]), topic["id"],
                                           {"body": reaction["body"], "parent_id": None})
                    for reply in reaction.get("replies", []):
                        self.rpc.call("topics", "post_reaction", self.actor(reply["author"]), topic["id"],
                                      {"body": reply["body"], "parent_id": parent["id"]})
        for email in spec.get("followers", []):
            self.rpc.call("notifications", "follow", {"account_id": self.actor(email)["id"], "topic_id": topic["id"]})
        self.say(f"topic '{topic['title']}' loaded")
        return topic

    def proposal(self, spec):
        proposal = self.rpc.call("topics", "submit_agenda_proposal", self.actor(spec["author"]), {
            "org": spec["org"], "title": spec["title"], "motivation": spec["motivation"]})
        for email in spec.get("supporters", []):
            self.rpc.call("votes", "support_proposal", {
                "account_id": self.actor(email)["id"], "proposal_id": proposal["id"], "org": proposal["org"],
                "support_threshold": proposal["support_threshold"], "author_id": proposal["author_id"],
                "title": proposal["title"]})
        self.say(f"agenda proposal '{proposal['title']}' loaded")


def load_file(gateway, path, say=print):
    with open(path, encoding="utf-8") as handle:
        return Importer(gateway, say).load(json.load(handle))
