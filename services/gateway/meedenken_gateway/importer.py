"""``meedenken import --org SLUG FILE.yaml``: an organisation's starting content — its people
(officials, ambassadors, citizens), topics with phases, statements and answers, threaded reactions,
solutions and a decision, agenda proposals with supports — from a YAML file (docs/import-format.md).

The whole file is read and checked first (YAML without anchors or aliases, at most MAX_BYTES; the
schema below with the limits the services enforce; unknown keys; references between items and to
accounts; the ladder): a file with any error changes nothing, and each error names its line. Then
everything goes through the services' RPCs, so the same events are published as when people do it
by hand. Loading again changes nothing: a topic or agenda proposal whose title the organisation
already has is skipped with all its content, accounts are created once, roles granted when they
differ, and an ambassador invitation is not sent again while one is open."""
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import accounts, ambassadors
from .passwords import VALIDATORS as PASSWORD_RULES
from .rpc import RemoteError
from .schemas import CHOICES, PHASES, SLUG

MAX_BYTES = 2 * 1024 * 1024
FORMAT_VERSION = 1
LADDER = PHASES[:-1]  # draft .. decided; ``closed`` may only come last
PARTICIPATION = ["consult", "advise", "co_create", "co_decide"]  # citizens react, answer and propose
SOLUTION_PHASES = ["advise", "co_create"]
OFFICIAL_ROLES = ("official", "admin")


# the format (limits as the services enforce them: meedenken_topics/schemas.py) --------------------

def text(max_length, min_length=1, **kwargs):
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


EMAIL = fields.Email(required=True, validate=validate.Length(max=254))
EMAILS = fields.List(fields.Email(validate=validate.Length(max=254)), validate=validate.Length(max=100_000))
KEY = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}\Z", error="Letters, digits, - and _ (at most 64)."))
COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}\Z", error="A colour as #rrggbb.")
TAG = fields.String(validate=[validate.Length(min=1, max=40), validate.Regexp(
    r"^[\w-]+( [\w-]+)*\Z", error="Letters, digits, hyphens and single spaces.")])


class ThemeSpec(Schema):
    primary_color = fields.String(validate=COLOR)
    primary_text_color = fields.String(validate=COLOR)
    accent_color = fields.String(validate=COLOR)
    font_family = fields.String(validate=validate.Regexp(r"^[\w ,'\"-]{1,200}\Z"))
    logo_url = fields.String(allow_none=True, validate=validate.Regexp(r"^/static/[\w./-]+\Z"))


class OrganisationSpec(Schema):
    name = text(120, required=True)
    kind = fields.String(validate=validate.OneOf(["municipality", "province", "water_board"]))
    support_threshold = fields.Integer(strict=True, validate=validate.Range(min=1, max=1_000_000))
    theme = fields.Nested(ThemeSpec)


class PersonSpec(Schema):
    email = EMAIL
    name = text(80, min_length=2)
    role = fields.String(validate=validate.OneOf(accounts.ROLES))
    password = fields.String(validate=PASSWORD_RULES)


class PhaseSpec(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES[1:]))
    note = text(2_000, min_length=0)


class StatementSpec(Schema):
    key = KEY
    text = text(500, required=True, min_length=3)
    author = fields.Email()
    responses = fields.Dict(keys=fields.Email(), values=fields.String(validate=validate.OneOf(CHOICES)))


class ReplySpec(Schema):
    author = EMAIL
    body = text(5_000, required=True)


class ReactionSpec(ReplySpec):
    replies = fields.List(fields.Nested(ReplySpec), validate=validate.Length(max=10_000))


class SolutionSpec(Schema):
    key = KEY
    title = text(160, required=True, min_length=3)
    body = text(5_000, required=True, min_length=10)
    author = EMAIL
    supporters = EMAILS
    taken_into_vote = fields.Boolean()


class DecisionInputSpec(Schema):
    statement = KEY
    solution = KEY
    agenda_proposal = KEY
    what_was_done = text(5_000, required=True, min_length=3)

    @validates_schema
    def one_reference(self, data, **kwargs):
        if sum(kind in data for kind in ("statement", "solution", "agenda_proposal")) != 1:
            raise ValidationError("Name exactly one of statement, solution or agenda_proposal (by its key).")


class DecisionSpec(Schema):
    summary = text(500, required=True, min_length=3)
    body = text(20_000, min_length=0)
    input = fields.List(fields.Nested(DecisionInputSpec), validate=validate.Length(max=200))


class TopicSpec(Schema):
    title = text(160, required=True)
    summary = text(500, required=True)
    body = text(20_000, min_length=0)
    tags = fields.List(TAG, validate=validate.Length(max=10))
    author = EMAIL
    phases = fields.List(fields.Nested(PhaseSpec), validate=validate.Length(max=len(PHASES)))
    statements_in = fields.String(validate=validate.OneOf(PARTICIPATION))
    statements = fields.List(fields.Nested(StatementSpec), validate=validate.Length(max=1_000))
    reactions = fields.List(fields.Nested(ReactionSpec), validate=validate.Length(max=10_000))
    solutions = fields.List(fields.Nested(SolutionSpec), validate=validate.Length(max=1_000))
    followers = EMAILS
    decision = fields.Nested(DecisionSpec)


class ProposalSpec(Schema):
    key = KEY
    title = text(160, required=True, min_length=3)
    motivation = text(5_000, required=True, min_length=10)
    author = EMAIL
    supporters = EMAILS


class ImportFile(Schema):
    version = fields.Integer(required=True, strict=True, validate=validate.Equal(FORMAT_VERSION))
    organisation = fields.Nested(OrganisationSpec)
    people = fields.List(fields.Nested(PersonSpec), validate=validate.Length(max=100_000))
    topics = fields.List(fields.Nested(TopicSpec), validate=validate.Length(max=1_000))
    agenda_proposals = fields.List(fields.Nested(ProposalSpec), validate=validate.Length(max=1_000))


# reading: YAML with the line of every value ------------------------------------------------------

class InvalidFile(Exception):
    """The file cannot be loaded; ``errors`` are (line or None, message), in line order."""

    def __init__(self, name, errors):
        self.name = name
        self.errors = sorted(errors, key=lambda error: (error[0] or 0, error[1]))
        super().__init__("\n".join(self.lines()))

    def lines(self):
        return [f"{self.name}:{line}: {message}" if line else f"{self.name}: {message}" for line, message in self.errors]


class _Loader(yaml.SafeLoader):
    """Safe loading without anchors and aliases (no "billion laughs" expansion)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="anchors and aliases (*name) are not allowed",
                                       problem_mark=self.peek_event().start_mark)
        return super().compose_node(parent, index)


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _value(loader, node, path, lines):
    """The node as Python data; ``lines`` gets the line of each path (a mapping entry: its key's)."""
    lines[path] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in (_MAP, _SEQ):
        raise yaml.MarkedYAMLError(problem=f"the tag {node.tag} is not allowed", problem_mark=node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise yaml.MarkedYAMLError(problem="a key must be a plain name", problem_mark=key_node.start_mark)
            if key in result:
                raise yaml.MarkedYAMLError(problem=f"the key '{key}' appears twice", problem_mark=key_node.start_mark)
            result[key] = _value(loader, value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_value(loader, item, path + (index,), lines) for index, item in enumerate(node.value)]
    return loader.construct_object(node)


def read_yaml(raw, name):
    """(data, lines) of a YAML document given as bytes; InvalidFile when it is not one."""
    if len(raw) > MAX_BYTES:
        raise InvalidFile(name, [(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    try:
        loader = _Loader(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidFile(name, [(None, "the file is not UTF-8 text")]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise InvalidFile(name, [(None, "the file is empty")])
        lines = {}
        return _value(loader, root, (), lines), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InvalidFile(name, [(mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise InvalidFile(name, [(None, f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise InvalidFile(name, [(None, "the YAML is nested too deeply")]) from None
    finally:
        loader.dispose()


def _line(lines, path):
    """The line of the deepest part of ``path`` the file has (a missing key: its mapping's line)."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def _flatten(messages, path=()):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, path if key == "_schema" else path + (key,))
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        yield path, " ".join(messages)
    elif isinstance(messages, list):
        for item in messages:
            yield from _flatten(item, path)
    else:
        yield path, str(messages)


def _where(path):
    return ".".join(str(part) for part in path if not isinstance(part, int)) or "file"


# checking references and the ladder -------------------------------------------------------------

@dataclass
class Plan:
    """A parsed file with what the platform already has of it (read before anything is written)."""
    org: str
    data: dict
    org_exists: bool
    accounts: dict = field(default_factory=dict)  # normalised e-mail -> existing account or None
    topics: dict = field(default_factory=dict)  # existing title -> topic id
    proposals: dict = field(default_factory=dict)  # existing title -> proposal id


class Checker:
    def __init__(self, plan, lines):
        self.plan, self.lines, self.errors = plan, lines, []
        self.roles = {}  # e-mail -> the role it will have in the organisation
        self.invited = set()  # ambassadors invited by mail by this file

    def error(self, path, message):
        self.errors.append((_line(self.lines, path), f"{_where(path)}: {message}"))

    def person(self, email, path, role=None):
        email = accounts.normalise_email(email)
        if email not in self.roles:
            self.error(path, f"{email} is not among people")
        elif email in self.invited:
            self.error(path, f"{email} is invited by mail: they cannot write before accepting (give a password "
                             "to create their account now)")
        elif role == "official" and self.roles[email] not in OFFICIAL_ROLES:
            self.error(path, f"{email} must be an official or admin of {self.plan.org}")

    def people(self, people):
        for index, person in enumerate(people):
            path = ("people", index)
            email = accounts.normalise_email(person["email"])
            if email in self.roles:
                self.error(path + ("email",), f"{email} appears twice among people")
                continue
            existing = self.plan.accounts.get(email)
            has = (existing or {}).get("roles", {}).get(self.plan.org)
            role = person.get("role") or has
            self.roles[email] = role
            usable = existing is not None and not existing.get("needs_password")
            if _invited(person) and has in OFFICIAL_ROLES:
                self.error(path, f"{email} is already {has} of {self.plan.org}")
            elif _invited(person):
                self.roles[email] = has
                if not (usable and has == ambassadors.ROLE):
                    self.invited.add(email)
            elif not (usable or (existing is None and person.get("password"))):
                self.error(path, f"{email} has no account yet: give a password, or the role ambassador to invite "
                                 "them by mail")

    def topic(self, index, topic, proposal_keys):
        path = ("topics", index)
        self.person(topic["author"], path + ("author",), role="official")
        phases = [step["phase"] for step in topic.get("phases", [])]
        for position, (before, after) in enumerate(zip(["draft"] + phases, phases)):
            if not _follows(before, after):
                self.error(path + ("phases", position, "phase"), f"'{after}' cannot follow '{before}': a topic moves "
                                                                 "forward along the ladder, and closed comes last")
        if "decision" in topic and set(phases) & {"decided", "closed"}:
            self.error(path + ("decision",), "a topic with a decision must not list decided or closed among its "
                                             "phases: publishing the decision moves it to decided")
        statements_in = topic.get("statements_in") or next((p for p in phases if p in PARTICIPATION), None)
        if (topic.get("statements") or topic.get("reactions")) and statements_in not in phases:
            self.error(path + ("statements_in" if "statements_in" in topic else "phases",),
                       f"statements and reactions need one of the phases {', '.join(PARTICIPATION)} "
                       "(they are added when the topic reaches it)")
        if topic.get("solutions") and not set(phases) & set(SOLUTION_PHASES):
            self.error(path + ("solutions",), f"solutions need one of the phases {', '.join(SOLUTION_PHASES)}")
        keys = {"statement": self.items(path, "statements", topic.get("statements", [])),
                "solution": self.items(path, "solutions", topic.get("solutions", [])),
                "agenda_proposal": proposal_keys}
        for s_index, statement in enumerate(topic.get("statements", [])):
            s_path = path + ("statements", s_index)
            if "author" in statement:
                self.person(statement["author"], s_path + ("author",))
            for email in statement.get("responses", {}):
                self.person(email, s_path + ("responses", email))
        for r_index, reaction in enumerate(topic.get("reactions", [])):
            r_path = path + ("reactions", r_index)
            self.person(reaction["author"], r_path + ("author",))
            for p_index, reply in enumerate(reaction.get("replies", [])):
                self.person(reply["author"], r_path + ("replies", p_index, "author"))
        for s_index, solution in enumerate(topic.get("solutions", [])):
            s_path = path + ("solutions", s_index)
            self.person(solution["author"], s_path + ("author",))
            self.emails(solution.get("supporters", []), s_path + ("supporters",))
        self.emails(topic.get("followers", []), path + ("followers",))
        for i_index, item in enumerate(topic.get("decision", {}).get("input", [])):
            kind = next(k for k in keys if k in item)
            if item[kind] not in keys[kind]:
                where = "in this file" if kind == "agenda_proposal" else "of this topic"
                self.error(path + ("decision", "input", i_index, kind),
                           f"no {kind.replace('_', ' ')} with key '{item[kind]}' {where}")

    def items(self, path, name, items):
        keys = set()
        for index, item in enumerate(items):
            if "key" in item:
                if item["key"] in keys:
                    self.error(path + (name, index, "key"), f"the key '{item['key']}' is used twice")
                keys.add(item["key"])
        return keys

    def emails(self, emails, path):
        seen = set()
        for index, email in enumerate(emails):
            normal = accounts.normalise_email(email)
            if normal in seen:
                self.error(path + (index,), f"{normal} is named twice")
            seen.add(normal)
            self.person(email, path + (index,))

    def titles(self, name, items):
        seen = set()
        for index, item in enumerate(items):
            if item["title"] in seen:
                self.error((name, index, "title"), "another item of the file has this title (titles identify "
                                                   "what was loaded before)")
            seen.add(item["title"])


def _invited(person):
    """An ambassador without a password in the file is invited by mail (role when they accept)."""
    return person.get("role") == ambassadors.ROLE and not person.get("password")


def _follows(before, after):
    """Whether the topics service lets a topic move from phase ``before`` to ``after``."""
    if before == "closed":
        return False
    if after == "closed":
        return before != "draft"
    return LADDER.index(after) > LADDER.index(before)


def parse(raw, name="import"):
    """(data, lines) of a file that is valid YAML and matches the schema; InvalidFile otherwise."""
    data, lines = read_yaml(raw, name)
    if not isinstance(data, dict):
        raise InvalidFile(name, [(1, "the file must be a mapping with version, people, topics, ...")])
    try:
        return ImportFile().load(data), lines
    except ValidationError as exc:
        raise InvalidFile(name, [(_line(lines, path), f"{_where(path)}: {message}")
                                 for path, message in _flatten(exc.messages)]) from None


def verify(plan, lines, name="import"):
    """Check references, roles and the ladder of a parsed file against what the platform has."""
    data = plan.data
    checker = Checker(plan, lines)
    checker.people(data.get("people", []))
    proposal_keys = checker.items((), "agenda_proposals", data.get("agenda_proposals", []))
    checker.titles("topics", data.get("topics", []))
    checker.titles("agenda_proposals", data.get("agenda_proposals", []))
    for index, topic in enumerate(data.get("topics", [])):
        checker.topic(index, topic, proposal_keys)
    for index, proposal in enumerate(data.get("agenda_proposals", [])):
        path = ("agenda_proposals", index)
        checker.person(proposal["author"], path + ("author",))
        checker.emails(proposal.get("supporters", []), path + ("supporters",))
    if checker.errors:
        raise InvalidFile(name, checker.errors)


def check(gateway, org, raw, name="import"):
    """Read and check a file completely, reading (never writing) what the platform has; returns the
    Plan, or raises InvalidFile with every error found."""
    data, lines = parse(raw, name)
    if not isinstance(org, str) or not SLUG.regex.match(org):
        raise InvalidFile(name, [(None, f"'{org}' is not an organisation slug")])
    try:
        gateway.rpc.call("topics", "get_org", org)
        org_exists = True
    except RemoteError as exc:
        if exc.exc_type != "NotFound":
            raise
        org_exists = False
    if not org_exists and "organisation" not in data:
        raise InvalidFile(name, [(None, f"there is no organisation '{org}': add an organisation block to create it")])
    plan = Plan(org, data, org_exists)
    for person in data.get("people", []):
        email = accounts.normalise_email(person["email"])
        plan.accounts[email] = accounts.find_by_email(gateway.db, email)
    if org_exists:
        plan.topics = _existing_topics(gateway, org)
        plan.proposals = _existing_proposals(gateway, org)
    verify(plan, lines, name)
    return plan


def _system_actor(org):
    """Who reads the organisation's drafts to find what was loaded before."""
    return {"id": "importer", "name": "meedenken import", "roles": {org: "admin"}}


def _existing_topics(gateway, org):
    found, after = {}, None
    while True:
        page = gateway.rpc.call("topics", "list_topics", _system_actor(org), {
            "org": org, "drafts": True, "limit": 100, **({"after": after} if after else {})})
        found.update((topic["title"], topic["id"]) for topic in page["items"])
        after = page.get("next")
        if not after:
            return found


def _existing_proposals(gateway, org):
    found, after = {}, None
    while True:
        page = gateway.rpc.call("topics", "list_agenda_proposals", {
            "org": org, "limit": 100, **({"after": after} if after else {})})
        found.update((proposal["title"], proposal["id"]) for proposal in page["items"])
        after = page.get("next")
        if not after:
            return found


# writing ----------------------------------------------------------------------------------------

class Importer:
    """Does what a checked file says through the services' RPCs, acting as the people it names."""

    def __init__(self, gateway, say=print):
        self.gateway = gateway
        self.rpc = gateway.rpc
        self.say = say
        self.people = {}
        self.counts = {}

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def account(self, email, password=None, display_name=None, roles=None):
        """The account with this e-mail, created (with these roles) when new."""
        db = self.gateway.db
        account = accounts.find_by_email(db, email)
        if account is None:
            account = accounts.register(self.gateway.mongo, db, email, password,
                                        display_name or accounts.default_display_name(email))
            self.count("accounts")
        for org, role in (roles or {}).items():
            if account.get("roles", {}).get(org) != role:
                account = accounts.grant_role(self.gateway.mongo, db, account["_id"], org, role)
        self.people[accounts.normalise_email(email)] = account
        return account

    def actor(self, email):
        account = self.people[accounts.normalise_email(email)]
        return {"id": account["_id"], "name": account["display_name"], "roles": account.get("roles", {})}

    def is_official(self, email, org):
        return self.actor(email)["roles"].get(org) in OFFICIAL_ROLES

    def load(self, plan):
        org, data = plan.org, plan.data
        if not plan.org_exists:
            spec = data["organisation"]
            self.rpc.call("topics", "create_org", {"slug": org, **spec})
            self.say(f"organisation {org} created")
        for person in data.get("people", []):
            self.person(org, person, plan.accounts[accounts.normalise_email(person["email"])])
        proposal_ids = {}
        for spec in data.get("agenda_proposals", []):
            if spec["title"] in plan.proposals:
                proposal_id = plan.proposals[spec["title"]]
                self.say(f"agenda proposal '{spec['title']}' exists: skipped")
            else:
                proposal_id = self.proposal({"org": org, **spec})["id"]
            if "key" in spec:
                proposal_ids[spec["key"]] = proposal_id
        for spec in data.get("topics", []):
            if spec["title"] in plan.topics:
                self.say(f"topic '{spec['title']}' exists: skipped with its content")
                continue
            self.topic({"org": org, **spec}, proposal_ids)
        self.gateway.relay.wake()
        return self.counts

    def person(self, org, spec, existing):
        email, role = spec["email"], spec.get("role")
        if _invited(spec):
            if (existing or {}).get("roles", {}).get(org) != ambassadors.ROLE:
                self.invite(org, spec)
            self.people[accounts.normalise_email(email)] = accounts.find_by_email(self.gateway.db, email)
            return
        roles = {org: role} if role else {}
        self.account(email, spec.get("password") if existing is None else None, spec.get("name"), roles)

    def invite(self, org, spec):
        account = accounts.find_by_email(self.gateway.db, spec["email"])
        if account is not None and self.gateway.db.ambassador_invitations.count_documents(
                {"org": org, "account_id": account["_id"], "status": "pending"}):
            return
        organisation = self.rpc.call("topics", "get_org", org)
        ambassadors.invite(self.gateway, organisation, spec["email"],
                           spec.get("name") or accounts.default_display_name(spec["email"]), None)
        self.count("invitations")
        self.say(f"{spec['email']} invited to be an ambassador")

    def topic(self, spec, proposal_ids=None):
        org, author = spec["org"], self.actor(spec["author"])
        topic = self.rpc.call("topics", "create_topic", author, {
            k: spec[k] for k in ("org", "title", "summary", "body", "tags") if k in spec})
        self.count("topics")
        phases = [step["phase"] for step in spec.get("phases", [])]
        statements_in = spec.get("statements_in") or next((p for p in phases if p in PARTICIPATION), None)
        solutions_in = next((p for p in phases if p in SOLUTION_PHASES), None)
        ids = {"statement": {}, "solution": {}, "agenda_proposal": proposal_ids or {}}
        for step in spec.get("phases", []):
            self.rpc.call("topics", "change_phase", author, topic["id"], {"phase": step["phase"],
                                                                          "note": step.get("note", "")})
            if step["phase"] == statements_in:
                ids["statement"] = self.statements(topic, spec)
                self.reactions(topic, spec)
            if step["phase"] == solutions_in:
                ids["solution"] = self.solutions(topic, spec)
        for email in spec.get("followers", []):
            self.rpc.call("notifications", "follow", {"account_id": self.actor(email)["id"], "topic_id": topic["id"]})
        if "decision" in spec:
            decision = spec["decision"]
            self.rpc.call("topics", "decide", author, topic["id"], {
                "summary": decision["summary"], "body": decision.get("body", ""),
                "input": [{"kind": kind, "id": ids[kind][item[kind]], "what_was_done": item["what_was_done"]}
                          for item in decision.get("input", []) for kind in ids if kind in item]})
        self.say(f"topic '{topic['title']}' loaded")
        return topic

    def statements(self, topic, spec):
        keys = {}
        for s in spec.get("statements", []):
            email = s.get("author", spec["author"])
            statement = self.rpc.call("topics", "add_statement", self.actor(email), topic["id"], {"text": s["text"]})
            if statement["status"] == "pending":  # a citizen's statement: the topic's author publishes it
                self.rpc.call("topics", "moderate_statement", self.actor(spec["author"]), statement["id"],
                              {"decision": "approve"})
            self.count("statements")
            if "key" in s:
                keys[s["key"]] = statement["id"]
            for responder, choice in s.get("responses", {}).items():
                self.rpc.call("votes", "record_response", {
                    "account_id": self.actor(responder)["id"], "statement_id": statement["id"],
                    "topic_id": topic["id"], "choice": choice})
                self.count("responses")
        return keys

    def reactions(self, topic, spec):
        for reaction in spec.get("reactions", []):
            parent = self.rpc.call("topics", "post_reaction", self.actor(reaction["author"]), topic["id"],
                                   {"body": reaction["body"], "parent_id": None})
            for reply in reaction.get("replies", []):
                self.rpc.call("topics", "post_reaction", self.actor(reply["author"]), topic["id"],
                              {"body": reply["body"], "parent_id": parent["id"]})
            self.count("reactions", 1 + len(reaction.get("replies", [])))

    def solutions(self, topic, spec):
        keys = {}
        for s in spec.get("solutions", []):
            solution = self.rpc.call("topics", "propose_solution", self.actor(s["author"]), topic["id"],
                                     {"title": s["title"], "body": s["body"]})
            for email in s.get("supporters", []):
                self.rpc.call("topics", "support_solution", self.actor(email), solution["id"], {"supported": True})
            if s.get("taken_into_vote"):
                self.rpc.call("topics", "take_into_vote", self.actor(spec["author"]), solution["id"], {"taken": True})
            self.count("solutions")
            if "key" in s:
                keys[s["key"]] = solution["id"]
        return keys

    def proposal(self, spec):
        proposal = self.rpc.call("topics", "submit_agenda_proposal", self.actor(spec["author"]), {
            "org": spec["org"], "title": spec["title"], "motivation": spec["motivation"]})
        for email in spec.get("supporters", []):
            self.rpc.call("votes", "support_proposal", {
                "account_id": self.actor(email)["id"], "proposal_id": proposal["id"], "org": proposal["org"],
                "support_threshold": proposal["support_threshold"], "author_id": proposal["author_id"],
                "title": proposal["title"]})
        self.count("agenda_proposals")
        self.say(f"agenda proposal '{proposal['title']}' loaded")
        return proposal


def load_file(gateway, org, path, say=print):
    """Check the file, then load it into ``org``; returns what was created, by kind."""
    path = Path(path)
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    plan = check(gateway, org, raw, path.name)
    return Importer(gateway, say).load(plan)
