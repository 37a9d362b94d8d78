"""What the topics service does, one function per act: load, apply the domain rules, write and
record the event in one transaction. Entry points in service.py only call these."""
from functools import partial

from meedenken_kit.errors import Conflict, NotFound, load_or_raise
from meedenken_kit.personal_data import REMOVE, Part, PersonalData, either_way

from . import domain, matching, moderation, moderation_usecases, repository as repo
from .content import TopicContent
from .events import (AGENDA_PROPOSAL_ANSWERED, AGENDA_PROPOSAL_SUBMITTED, ORGANISATION_CREATED,
                     REACTION_POSTED, SOLUTION_PROPOSED, SOLUTION_SUPPORTED,
                     SOLUTION_TAKEN_INTO_VOTE, STATEMENT_ADDED, STATEMENT_PUBLISHED, STATEMENT_REJECTED, TOPIC_CREATED,
                     TOPIC_DECIDED, TOPIC_PHASE_CHANGED, TOPIC_PUBLISHED, TOPIC_UPDATED, ELECTION_MATCH_CREATED,
                     ELECTION_MATCH_PARTY_ADDED, ELECTION_MATCH_PUBLISHED)
from .locks import KeyedLocks
from .schemas import (ActorSchema, AgendaProposalIn, AgendaProposalOut, CampaignFiguresOut, CampaignVisitIn,
                      DecisionIn, ModerationIn, OrganisationIn, OrganisationOut, PhaseChangeIn, ProposalAnswerIn,
                      ProposalQuery, QueueQuery, ReactionIn,
                      ReactionModerationIn, ReactionOut, ReactionQuery, REACTIONS_PER_PAGE,
                      ReactionThreadOut, SolutionIn, SolutionOut, SolutionQuery, StatementIn, StatementOut, SupportIn,
                      TakenIn, TopicIn, TopicOut, TopicPatch, TopicQuery, ThresholdReachedData, ThemeSchema,
                      ID_PATTERN, ElectionMatchIn, ElectionMatchOut, MatchAnswersIn, MatchQuery, PartyIn)

_actor = ActorSchema()
DEFAULT_THEME = ThemeSchema().load({})
org_out, topic_out, statement_out = OrganisationOut(), TopicOut(), StatementOut()
reaction_out, thread_out, proposal_out = ReactionOut(), ReactionThreadOut(many=True), AgendaProposalOut()
solution_out = SolutionOut()
TOPIC_PAGE_SOLUTIONS = 100
content = TopicContent()  # per process, checked against the topic's content version


def actor_of(payload):
    return None if payload is None else load_or_raise(_actor, payload)


def _viewer(actor, org):
    """Who a list is for: None for the organisation's officials (they see held contributions too),
    else the account id (or "" when anonymous) whose own held contributions are shown."""
    return None if domain.is_official(actor, org) else (actor["id"] if actor else "")


def _shown(kind, items, actor, org=None):
    """The items as this actor may see them (``org`` for copies dumped without their organisation)."""
    return [shown for shown in (moderation.shown(kind, item, actor, org) for item in items) if shown is not None]


def _valid_id(value, what):
    """Ids are checked before any query: anything but a 24-hex string is simply not found."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise NotFound(f"{what} not found.")
    return value


# organisations ----------------------------------------------------------------------------------

def create_org(uow, payload):
    data = load_or_raise(OrganisationIn, payload)
    org = {"_id": data.pop("slug"), **data, "created_at": repo.now()}

    def txn(session):
        if not repo.insert_org(uow.db, session, org):
            raise Conflict(f"An organisation with slug '{org['_id']}' already exists.")
        uow.emit(session, ORGANISATION_CREATED, org["_id"], {"slug": org["_id"], "name": org["name"],
                 "kind": org["kind"], "support_threshold": org["support_threshold"]})
    uow.transaction(txn)
    return org_out.dump(org)


def _org_with_theme(org):
    """Organisations created before themes existed get the default house style."""
    return {**org, "theme": {**DEFAULT_THEME, **(org.get("theme") or {})}}


def get_org(uow, slug):
    org = repo.get_org(uow.db, slug) if isinstance(slug, str) else None
    if org is None:
        raise NotFound("Organisation not found.")
    return org_out.dump(_org_with_theme(org))


def list_orgs(uow):
    return org_out.dump([_org_with_theme(org) for org in repo.list_orgs(uow.db)], many=True)


# topics -----------------------------------------------------------------------------------------

def _topic(uow, topic_id, actor, session=None):
    topic = repo.get_topic(uow.db, _valid_id(topic_id, "Topic"), session)
    return domain.require_visible(topic, actor)


TOPIC_WRITES = KeyedLocks()


def _contribute(uow, topic_id, txn):
    """Commit a contribution with the topic's counters. The counters live on the topic document,
    so two contributions to one topic at the same time conflict and one transaction starts over
    (in a bench, 2,000 reactions took 39 s one at a time and 71 s eight at a time); this process's
    contributions to one topic therefore wait for each other instead."""
    with TOPIC_WRITES.of(topic_id):
        return uow.transaction(txn)


def create_topic(uow, actor, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(TopicIn, payload)
    get_org(uow, data["org"])
    domain.require_official(actor, data["org"])
    at = repo.now()
    topic = {"_id": repo.new_id(), **data, "phase": domain.DRAFT, "author_id": actor["id"], "created_at": at,
             "updated_at": at, "last_activity_at": at, "statement_count": 0, "reaction_count": 0,
             "phase_history": [{"phase": domain.DRAFT, "at": at, "by": actor["id"], "note": ""}]}

    def txn(session):
        repo.insert(uow.db, session, "topics", topic)
        uow.emit(session, TOPIC_CREATED, topic["_id"], {"topic_id": topic["_id"], "org": topic["org"],
                 "title": topic["title"], "author_id": actor["id"]})
    uow.transaction(txn)
    return topic_out.dump(topic)


def update_topic(uow, actor, topic_id, payload):
    actor = actor_of(actor)
    changes = load_or_raise(TopicPatch, payload)
    topic = _topic(uow, topic_id, actor)
    domain.require_official(actor, topic["org"])
    if topic["phase"] == domain.CLOSED:
        raise Conflict("A closed topic can no longer be edited.")
    if not changes:
        return topic_out.dump(topic)
    changes["updated_at"] = repo.now()

    def txn(session):
        updated = repo.update_topic(uow.db, session, topic["_id"], changes)
        uow.emit(session, TOPIC_UPDATED, topic["_id"], {"topic_id": topic["_id"], "org": topic["org"],
                 "title": updated["title"], "changed": sorted(set(changes) - {"updated_at"}),
                 "actor_id": actor["id"]})
        return updated
    return topic_out.dump(uow.transaction(txn))


def change_phase(uow, actor, topic_id, payload):
    actor = actor_of(actor)
    data = load_or_raise(PhaseChangeIn, payload)
    topic = _topic(uow, topic_id, actor)
    domain.require_official(actor, topic["org"])
    current, target = topic["phase"], data["phase"]
    domain.check_transition(current, target)
    entry = {"phase": target, "at": repo.now(), "by": actor["id"], "note": data["note"]}

    def txn(session):
        if not repo.record_phase(uow.db, session, topic["_id"], current, entry):
            raise Conflict("The topic's phase was changed meanwhile; reload and try again.")
        common = {"topic_id": topic["_id"], "org": topic["org"], "title": topic["title"], "actor_id": actor["id"]}
        if domain.is_publication(current, target):
            uow.emit(session, TOPIC_PUBLISHED, topic["_id"], {**common, "summary": topic["summary"],
                     "phase": target})
        uow.emit(session, TOPIC_PHASE_CHANGED, topic["_id"], {**common, "from_phase": current,
                 "to_phase": target, "note": data["note"]})
        return repo.get_topic(uow.db, topic["_id"], session)
    return topic_out.dump(uow.transaction(txn))


def get_topic(uow, actor, topic_id):
    """The topic with the statements this actor may see, its first solutions and, once decided,
    what was done with each statement and solution the decision names."""
    actor = actor_of(actor)
    return _topic_view(uow, actor, _topic(uow, topic_id, actor))


def topic_page(uow, actor, topic_id):
    """``get_topic`` with the first page of its reactions (``reactions``: ``list_reactions``
    without a cursor): what the topic page shows, in one call and one read of the topic."""
    actor = actor_of(actor)
    topic = _topic(uow, topic_id, actor)
    return {**_topic_view(uow, actor, topic), "reactions": _reaction_page(uow, actor, topic, None, REACTIONS_PER_PAGE)}


def _topic_view(uow, actor, topic):
    result = topic_out.dump(topic)
    statements = content.get_or_load(topic, "statements", lambda: statement_out.dump(
        repo.statements_of(uow.db, topic["_id"]), many=True))
    result["statements"] = [{**s} for s in _shown("statement", [
        s for s in statements if domain.statement_visible(s, topic, actor)], actor, topic["org"])]
    # held solutions are in the copy; _solutions_for shows each reader what they may see
    result["solutions"] = _solutions_for(uow, actor, content.get_or_load(
        topic, "solutions", lambda: repo.solution_page(uow.db, topic["_id"], limit=TOPIC_PAGE_SOLUTIONS)[0]))
    decided = (topic.get("decision") or {}).get("input", [])
    done = {(item["kind"], item["id"]): item["what_was_done"] for item in decided}
    for kind, items in (("statement", result["statements"]), ("solution", result["solutions"])):
        for item in items:
            item["what_was_done"] = done.get((kind, item["id"]))
    result["phase_label_nl"] = domain.PHASE_LABELS_NL[topic["phase"]]
    return result


def list_topics(uow, actor, query):
    actor = actor_of(actor)
    q = load_or_raise(TopicQuery, query or {})
    official = bool(q.get("org")) and domain.is_official(actor, q["org"])
    phases = {q["phase"]} if "phase" in q else (set(domain.PHASES) if q["drafts"] and official else domain.PUBLISHED)
    if domain.DRAFT in phases and not official:
        phases = phases - {domain.DRAFT}
    rows = repo.list_topics(uow.db, phases, q.get("org"), q.get("tag"), q.get("after"), q["limit"],
                            q["sort"]) if phases else []
    items = rows[:q["limit"]]
    return {"items": topic_out.dump(items, many=True),
            "next": items[-1]["_id"] if len(rows) > q["limit"] else None}


# statements -------------------------------------------------------------------------------------

def add_statement(uow, actor, topic_id, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(StatementIn, payload)
    topic = _topic(uow, topic_id, actor)
    status = domain.new_statement_status(topic, actor)
    statement = {"_id": repo.new_id(), "topic_id": topic["_id"], "org": topic["org"], "text": data["text"],
                 "status": status, "author_id": actor["id"], "author_name": actor["name"],
                 "ambassador": domain.is_ambassador(actor, topic["org"]),
                 "created_at": repo.now()}

    def txn(session):
        repo.insert(uow.db, session, "statements", statement)
        uow.emit(session, STATEMENT_ADDED, statement["_id"], _statement_event(statement, topic, actor))
        if status == "pending":
            moderation_usecases.hold(uow, session, "statement", statement)
        if status == "published":
            repo.topic_activity(uow.db, session, topic["_id"], "statement_count")
            uow.emit(session, STATEMENT_PUBLISHED, statement["_id"], _statement_event(statement, topic, actor))
        else:
            repo.content_changed(uow.db, session, topic["_id"])
    _contribute(uow, topic["_id"], txn)
    return statement_out.dump(statement)


def _statement_event(statement, topic, actor):
    return {"statement_id": statement["_id"], "topic_id": topic["_id"], "org": topic["org"],
            "topic_title": topic["title"], "text": statement["text"], "status": statement["status"],
            "author_id": statement["author_id"], "actor_id": actor["id"]}


def get_statement(uow, actor, statement_id):
    """The statement with the topic's id, org and phase (the gateway checks answers with it)."""
    actor = actor_of(actor)
    statement = repo.get_statement(uow.db, _valid_id(statement_id, "Statement"))
    topic = repo.get_topic(uow.db, statement["topic_id"]) if statement else None
    if topic is None or not domain.visible(topic, actor) or not domain.statement_visible(statement, topic, actor):
        raise NotFound("Statement not found.")
    result = statement_out.dump(moderation.shown("statement", statement, actor))
    result["topic"] = {"id": topic["_id"], "org": topic["org"], "phase": topic["phase"], "title": topic["title"]}
    return result


def check_may_answer(uow, actor, statement_id):
    """Raise unless this actor may answer the statement now; returns the statement."""
    statement = get_statement(uow, actor, statement_id)
    domain.require_citizen_may("answer_statement", {"phase": statement["topic"]["phase"]}, actor_of(actor))
    if statement["status"] != "published" or statement.get("hidden"):
        raise Conflict("This statement is not published.")
    return statement


def moderate_statement(uow, actor, statement_id, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(ModerationIn, payload)
    statement = repo.get_statement(uow.db, _valid_id(statement_id, "Statement"))
    topic = repo.get_topic(uow.db, statement["topic_id"]) if statement else None
    if topic is None or not domain.statement_visible(statement, topic, actor):
        raise NotFound("Statement not found.")
    status = domain.check_moderation(statement, topic, actor, data["decision"], data["reason"])
    decided = {"decision": data["decision"], "reason": data["reason"], "by": actor["id"], "at": repo.now()}

    def txn(session):
        if not repo.set_statement_status(uow.db, session, statement["_id"], status, decided):
            raise Conflict("This statement was moderated meanwhile.")
        moderation_usecases.statement_moderated(uow, session, statement, actor, data["decision"], data["reason"])
        moderated = {**statement, "status": status}
        event = _statement_event(moderated, topic, actor)
        if status == "published":
            repo.topic_activity(uow.db, session, topic["_id"], "statement_count")
            uow.emit(session, STATEMENT_PUBLISHED, statement["_id"], event)
        else:
            repo.content_changed(uow.db, session, topic["_id"])
            uow.emit(session, STATEMENT_REJECTED, statement["_id"], {**event, "reason": data["reason"]})
        return repo.get_statement(uow.db, statement["_id"], session)
    return statement_out.dump(uow.transaction(txn))


# reactions --------------------------------------------------------------------------------------

def post_reaction(uow, actor, topic_id, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(ReactionIn, payload)
    topic = _topic(uow, topic_id, actor)
    official_answer = domain.check_reaction(topic, actor)
    held = bool(topic.get("premoderation")) and not official_answer
    parent = None
    if data["parent_id"]:
        parent = repo.get_reaction(uow.db, data["parent_id"])
        if parent is None or parent["topic_id"] != topic["_id"]:
            raise NotFound("The reaction you reply to does not exist on this topic.")
        if parent["parent_id"]:
            parent = repo.get_reaction(uow.db, parent["parent_id"])  # threads are one level deep
    reaction = {"_id": repo.new_id(), "topic_id": topic["_id"], "org": topic["org"],
                "parent_id": parent["_id"] if parent else None, "body": data["body"], "author_id": actor["id"],
                "author_name": actor["name"], "official_answer": official_answer, "reply_count": 0,
                "ambassador": domain.is_ambassador(actor, topic["org"]),
                "answered_by_official": False, "hidden": None, "held": held, "created_at": repo.now()}

    def txn(session):
        repo.insert(uow.db, session, "reactions", reaction)
        if held:
            moderation_usecases.hold(uow, session, "reaction", reaction)
        repo.topic_activity(uow.db, session, topic["_id"], "reaction_count")
        if parent:
            repo.add_reply(uow.db, session, parent["_id"], reaction["_id"])
            if official_answer:
                repo.mark_answered_by_official(uow.db, session, parent["_id"])
        uow.emit(session, REACTION_POSTED, reaction["_id"], {
            "reaction_id": reaction["_id"], "topic_id": topic["_id"], "org": topic["org"],
            "topic_title": topic["title"], "parent_id": reaction["parent_id"],
            "parent_author_id": parent["author_id"] if parent else None, "author_id": actor["id"],
            "official_answer": official_answer})
    _contribute(uow, topic["_id"], txn)
    return reaction_out.dump(reaction)


def list_reactions(uow, actor, topic_id, query):
    actor = actor_of(actor)
    q = load_or_raise(ReactionQuery, query or {})
    return _reaction_page(uow, actor, _topic(uow, topic_id, actor), q.get("after"), q["limit"])


def _reaction_page(uow, actor, topic, after, limit):
    def load():
        threads, next_cursor = repo.reaction_page(uow.db, topic["_id"], after, limit)
        return thread_out.dump(threads), next_cursor
    threads, next_cursor = content.get_or_load(topic, ("reactions", after, limit), load)
    shown = [{**thread, "replies": _shown("reaction", thread["replies"], actor, topic["org"])}
             for thread in _shown("reaction", threads, actor, topic["org"])]
    return {"items": shown, "next": next_cursor}


def moderate_reaction(uow, actor, reaction_id, payload):
    """The reactions' own hide/restore, kept for its clients: the general moderation does it."""
    data = load_or_raise(ReactionModerationIn, payload)
    act = moderation_usecases.hide if data["decision"] == "hide" else moderation_usecases.reinstate
    act(uow, actor, "reaction", reaction_id, {"reason": data["reason"]})
    return reaction_out.dump(repo.get_reaction(uow.db, reaction_id))


def moderation_queue(uow, actor, query):
    """What waits for the organisation's officials: citizens' statements to moderate, reactions
    without an official answer (oldest first) and agenda proposals that reached their threshold."""
    actor = domain.require_actor(actor_of(actor))
    q = load_or_raise(QueueQuery, query)
    domain.require_official(actor, q["org"])
    statements = repo.pending_statements(uow.db, q["org"], q["limit"])
    reactions = repo.awaiting_answer(uow.db, q["org"], q["limit"])
    titles = repo.titles_of(uow.db, [s["topic_id"] for s in statements] + [r["topic_id"] for r in reactions])
    return {
        "pending_statements": [{**statement_out.dump(s), "topic_title": titles.get(s["topic_id"], "")}
                               for s in statements],
        "awaiting_answer": [{**reaction_out.dump(r), "topic_title": titles.get(r["topic_id"], "")} for r in reactions],
        "proposals_to_answer": proposal_out.dump(repo.proposals_to_answer(uow.db, q["org"], q["limit"]), many=True),
    }


# agenda proposals -------------------------------------------------------------------------------

def submit_agenda_proposal(uow, actor, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(AgendaProposalIn, payload)
    org = repo.get_org(uow.db, data["org"])
    if org is None:
        raise NotFound("Organisation not found.")
    proposal = {"_id": repo.new_id(), **data, "status": "open", "author_id": actor["id"],
                "author_name": actor["name"], "support_threshold": org["support_threshold"],
                "ambassador": domain.is_ambassador(actor, org["_id"]),
                "created_at": repo.now(), "threshold_reached_at": None}

    def txn(session):
        repo.insert(uow.db, session, "agenda_proposals", proposal)
        uow.emit(session, AGENDA_PROPOSAL_SUBMITTED, proposal["_id"], {
            "proposal_id": proposal["_id"], "org": proposal["org"], "title": proposal["title"],
            "author_id": actor["id"], "support_threshold": proposal["support_threshold"]})
    uow.transaction(txn)
    return proposal_out.dump(proposal)


def get_agenda_proposal(uow, proposal_id, actor=None):
    proposal = repo.get_proposal(uow.db, _valid_id(proposal_id, "Agenda proposal"))
    if proposal is None:
        raise NotFound("Agenda proposal not found.")
    return proposal_out.dump(moderation.shown("agenda_proposal", proposal, actor_of(actor)))


def list_agenda_proposals(uow, query, actor=None):
    q = load_or_raise(ProposalQuery, query or {})
    rows = repo.list_proposals(uow.db, q["org"], q.get("after"), q["limit"])
    items = rows[:q["limit"]]
    return {"items": proposal_out.dump(_shown("agenda_proposal", items, actor_of(actor)), many=True),
            "next": items[-1]["_id"] if len(rows) > q["limit"] else None}


def answer_agenda_proposal(uow, actor, proposal_id, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(ProposalAnswerIn, payload)
    proposal = repo.get_proposal(uow.db, _valid_id(proposal_id, "Agenda proposal"))
    if proposal is None:
        raise NotFound("Agenda proposal not found.")
    domain.check_proposal_answer(proposal, actor)
    answer = {"text": data["answer"], "by": actor["id"], "by_name": actor["name"], "at": repo.now()}

    def txn(session):
        if not repo.set_proposal_answer(uow.db, session, proposal["_id"], answer):
            raise Conflict("This agenda proposal was answered meanwhile.")
        uow.emit(session, AGENDA_PROPOSAL_ANSWERED, proposal["_id"], {
            "proposal_id": proposal["_id"], "org": proposal["org"], "title": proposal["title"],
            "author_id": proposal["author_id"], "answer": data["answer"], "actor_id": actor["id"]})
        return repo.get_proposal(uow.db, proposal["_id"], session)
    return proposal_out.dump(uow.transaction(txn))


# solutions --------------------------------------------------------------------------------------

def _solutions_for(uow, actor, solutions):
    """Solutions as this actor sees them: with whether they support each."""
    solutions = _shown("solution", solutions, actor)
    mine = repo.supported_among(uow.db, [s["_id"] for s in solutions], actor["id"]) if actor and solutions else set()
    return solution_out.dump([{**s, "supported": s["_id"] in mine} for s in solutions], many=True)


def _solution(uow, solution_id, actor):
    """The solution and its topic, when this actor may see the topic."""
    solution = repo.get_solution(uow.db, _valid_id(solution_id, "Solution"))
    topic = repo.get_topic(uow.db, solution["topic_id"]) if solution else None
    if topic is None or not domain.visible(topic, actor):
        raise NotFound("Solution not found.")
    return solution, topic


def propose_solution(uow, actor, topic_id, payload):
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(SolutionIn, payload)
    topic = _topic(uow, topic_id, actor)
    domain.require_citizen_may("propose_solution", topic, actor)
    held = bool(topic.get("premoderation")) and not domain.is_official(actor, topic["org"])
    solution = {"_id": repo.new_id(), "topic_id": topic["_id"], "org": topic["org"], **data,
                "author_id": actor["id"], "author_name": actor["name"], "supports": 0, "taken_into_vote": False,
                "ambassador": domain.is_ambassador(actor, topic["org"]),
                "hidden": None, "held": held, "created_at": repo.now()}

    def txn(session):
        repo.insert(uow.db, session, "solutions", solution)
        if held:
            moderation_usecases.hold(uow, session, "solution", solution)
        repo.topic_activity(uow.db, session, topic["_id"], "solution_count")
        uow.emit(session, SOLUTION_PROPOSED, solution["_id"], {
            "solution_id": solution["_id"], "topic_id": topic["_id"], "org": topic["org"],
            "topic_title": topic["title"], "title": solution["title"], "author_id": actor["id"]})
    _contribute(uow, topic["_id"], txn)
    return solution_out.dump(solution)


def list_solutions(uow, actor, topic_id, query):
    actor = actor_of(actor)
    q = load_or_raise(SolutionQuery, query or {})
    topic = _topic(uow, topic_id, actor)
    solutions, next_cursor = repo.solution_page(uow.db, topic["_id"], q.get("after"), q["limit"],
                                                viewer=_viewer(actor, topic["org"]))
    return {"items": _solutions_for(uow, actor, solutions), "next": next_cursor}


def support_solution(uow, actor, solution_id, payload):
    """Support (``supported: true``) or withdraw; doing what is already so changes nothing."""
    actor = domain.require_actor(actor_of(actor))
    supported = load_or_raise(SupportIn, payload)["supported"]
    solution, topic = _solution(uow, solution_id, actor)
    domain.require_citizen_may("propose_solution", topic, actor)  # supported while they are proposed
    change = repo.add_support if supported else repo.remove_support

    def txn(session):
        changed = change(uow.db, session, solution, actor["id"])
        supports = repo.get_solution(uow.db, solution["_id"], session)["supports"]
        if changed:
            repo.content_changed(uow.db, session, topic["_id"])
            uow.emit(session, SOLUTION_SUPPORTED, solution["_id"], {
                "solution_id": solution["_id"], "topic_id": topic["_id"], "org": topic["org"],
                "account_id": actor["id"], "supported": supported, "supports": supports})
        return supports
    return {"solution_id": solution["_id"], "supported": supported, "supports": uow.transaction(txn)}


def take_into_vote(uow, actor, solution_id, payload):
    """An official marks a solution as taken into the vote, or unmarks it."""
    actor = domain.require_actor(actor_of(actor))
    taken = load_or_raise(TakenIn, payload)["taken"]
    solution, topic = _solution(uow, solution_id, actor)
    domain.check_take_into_vote(topic, actor)

    def txn(session):
        if repo.set_taken_into_vote(uow.db, session, solution["_id"], taken, actor["id"]):
            repo.content_changed(uow.db, session, topic["_id"])
            uow.emit(session, SOLUTION_TAKEN_INTO_VOTE, solution["_id"], {
                "solution_id": solution["_id"], "topic_id": topic["_id"], "org": topic["org"],
                "title": solution["title"], "author_id": solution["author_id"], "taken": taken,
                "actor_id": actor["id"]})
        return repo.get_solution(uow.db, solution["_id"], session)
    return _solutions_for(uow, actor, [uow.transaction(txn)])[0]


# the decision -----------------------------------------------------------------------------------

def decide(uow, actor, topic_id, payload):
    """Publish the decision and what was done with the named input; the topic moves to ``decided``."""
    actor = domain.require_actor(actor_of(actor))
    data = load_or_raise(DecisionIn, payload)
    topic = _topic(uow, topic_id, actor)
    domain.check_decision(topic, actor)
    found = repo.decision_input(uow.db, data["input"])
    domain.check_decision_input(topic, data["input"], found)
    at = repo.now()
    decision = {"summary": data["summary"], "body": data["body"], "by": actor["id"], "by_name": actor["name"],
                "at": at, "input": [{**item, "title": domain.input_label(item["kind"], found[item["kind"], item["id"]])}
                                    for item in data["input"]]}
    entry = {"phase": domain.DECIDED, "at": at, "by": actor["id"], "note": data["summary"]}

    def txn(session):
        if not repo.record_decision(uow.db, session, topic["_id"], topic["phase"], decision, entry):
            raise Conflict("The topic's phase was changed meanwhile; reload and try again.")
        common = {"topic_id": topic["_id"], "org": topic["org"], "title": topic["title"], "actor_id": actor["id"]}
        uow.emit(session, TOPIC_PHASE_CHANGED, topic["_id"], {**common, "from_phase": topic["phase"],
                 "to_phase": domain.DECIDED, "note": data["summary"], "by_decision": True})
        uow.emit(session, TOPIC_DECIDED, topic["_id"], {**common, "summary": data["summary"],
                 "input": [{k: item[k] for k in ("kind", "id", "what_was_done")} for item in decision["input"]]})
        return repo.get_topic(uow.db, topic["_id"], session)
    return topic_out.dump(uow.transaction(txn))


# outreach ---------------------------------------------------------------------------------------

def outreach_topic(uow, actor, topic_id):
    """The topic and its organisation, for the outreach kit its officials download."""
    actor = domain.require_actor(actor_of(actor))
    topic = _topic(uow, topic_id, actor)
    domain.require_official(actor, topic["org"])
    return {"topic": topic_out.dump(topic), "org": org_out.dump(repo.get_org(uow.db, topic["org"]))}


def record_campaign_visit(uow, payload):
    """Count a visit that a campaign tag brought to a published topic. A statistic, not an act:
    no event (docs/decisions/0012)."""
    data = load_or_raise(CampaignVisitIn, payload)
    topic = repo.get_topic(uow.db, data["topic_id"])
    if topic is None or topic["phase"] not in domain.PUBLISHED:
        raise NotFound("Topic not found.")
    repo.count_campaign_visit(uow.db, topic["_id"], topic["org"], data["channel"], repo.now().date().isoformat())


def campaign_figures(uow, actor, topic_id):
    """Visits per channel (every channel, also those that brought nobody) and per day."""
    actor = domain.require_actor(actor_of(actor))
    topic = _topic(uow, topic_id, actor)
    domain.require_official(actor, topic["org"])
    rows = repo.campaign_visits_of(uow.db, topic["_id"])
    per_channel = {channel: 0 for channel in domain.CAMPAIGN_CHANNELS}
    for row in rows:
        per_channel[row["channel"]] = per_channel.get(row["channel"], 0) + row["visits"]
    return CampaignFiguresOut().dump({
        "topic_id": topic["_id"], "total": sum(per_channel.values()),
        "channels": [{"channel": c, "visits": v} for c, v in per_channel.items()],
        "days": [{"day": r["day"], "channel": r["channel"], "visits": r["visits"]} for r in rows]})


def participants_of_topic(uow, topic_id):
    """Account ids of everyone who took part in the topic here (the notifications service asks)."""
    return repo.participants_of_topic(uow.db, _valid_id(topic_id, "Topic"))


def on_threshold_reached(uow, event):
    data = load_or_raise(ThresholdReachedData, event["data"])
    uow.apply_once(event["id"], lambda session: repo.mark_threshold_reached(
        uow.db, session, data["proposal_id"], repo.now()))


def contributions(uow, actor):
    """Everything this person wrote: statements (with their moderation), reactions, proposals."""
    actor = domain.require_actor(actor_of(actor))
    found = repo.contributions_of(uow.db, actor["id"])
    return {"statements": statement_out.dump(found["statements"], many=True),
            "reactions": reaction_out.dump(found["reactions"], many=True),
            "agenda_proposals": proposal_out.dump(found["agenda_proposals"], many=True)}


# election matches -----------------------------------------------------------------------------------

match_out = ElectionMatchOut()


def _match_view(match):
    """The match with its parties in alphabetical order (never in the order they were entered)."""
    return match_out.dump({**match, "parties": matching.alphabetical(match["parties"])})


def _match(uow, match_id, actor, session=None):
    return matching.require_visible(repo.get_match(uow.db, _valid_id(match_id, "Election match"), session), actor)


def create_election_match(uow, actor, payload):
    actor = actor_of(actor)
    data = load_or_raise(ElectionMatchIn, payload)
    domain.require_official(actor, data["org"])
    if repo.get_org(uow.db, data["org"]) is None:
        raise NotFound("Organisation not found.")
    match = {"_id": repo.new_id(), "org": data["org"], "title": data["title"], "intro": data["intro"],
             "status": "draft", "statements": [{"id": repo.new_id(), "text": t} for t in data["statements"]],
             "parties": [], "created_by": actor["id"], "created_at": repo.now(), "published_at": None}

    def txn(session):
        repo.insert(uow.db, session, "election_matches", match)
        uow.emit(session, ELECTION_MATCH_CREATED, match["_id"], {
            "match_id": match["_id"], "org": match["org"], "title": match["title"],
            "statement_count": len(match["statements"]), "actor_id": actor["id"]})
    uow.transaction(txn)
    return _match_view(match)


def get_election_match(uow, actor, match_id):
    return _match_view(_match(uow, match_id, actor_of(actor)))


def list_election_matches(uow, actor, query):
    q = load_or_raise(MatchQuery, query)
    actor = actor_of(actor)
    statuses = ["draft", "published"] if q["drafts"] and domain.is_official(actor, q["org"]) else ["published"]
    return {"items": [_match_view(m) for m in repo.list_matches(uow.db, q["org"], statuses)]}


def add_election_party(uow, actor, match_id, payload):
    """An official enters a party with its position and explanation on every statement."""
    actor = actor_of(actor)
    data = load_or_raise(PartyIn, payload)
    match = matching.require_editable(_match(uow, match_id, actor), actor)
    matching.check_positions(match, data["positions"])
    matching.check_unique_party(match, data["name"])
    party = {"id": repo.new_id(), "name": data["name"],
             "positions": {p["statement_id"]: {"position": p["position"], "explanation": p["explanation"]}
                           for p in data["positions"]}}

    def txn(session):
        if not repo.add_party(uow.db, session, match["_id"], party):
            raise Conflict("A published election match can no longer be changed.")
        uow.emit(session, ELECTION_MATCH_PARTY_ADDED, match["_id"], {
            "match_id": match["_id"], "org": match["org"], "party_id": party["id"], "name": party["name"],
            "actor_id": actor["id"]})
    uow.transaction(txn)
    return _match_view({**match, "parties": match["parties"] + [party]})


def publish_election_match(uow, actor, match_id):
    actor = actor_of(actor)
    match = matching.require_editable(_match(uow, match_id, actor), actor)
    matching.check_publishable(match)
    at = repo.now()

    def txn(session):
        if not repo.publish_match(uow.db, session, match["_id"], at):
            raise Conflict("A published election match can no longer be changed.")
        uow.emit(session, ELECTION_MATCH_PUBLISHED, match["_id"], {
            "match_id": match["_id"], "org": match["org"], "title": match["title"],
            "statement_count": len(match["statements"]),
            "parties": [p["name"] for p in matching.alphabetical(match["parties"])], "actor_id": actor["id"]})
    uow.transaction(txn)
    return _match_view({**match, "status": "published", "published_at": at})


def election_match_result(uow, actor, match_id, payload):
    """The parties ranked by agreement with the citizen's answers, and per statement where each
    party stands and why. Reads only: the answers are neither stored nor published."""
    match = _match(uow, match_id, actor_of(actor))
    if match["status"] != "published":
        raise Conflict("This election match is not published yet.")
    answers = {a["statement_id"]: a for a in load_or_raise(MatchAnswersIn, payload)["answers"]}
    ranking, total_weight = matching.score(match, answers)
    parties = matching.alphabetical(match["parties"])
    return {"match_id": match["_id"], "total_weight": total_weight, "ranking": ranking,
            "statements": [{"id": s["id"], "text": s["text"],
                            "answer": answers.get(s["id"], {"answer": "skip"})["answer"],
                            "important": answers.get(s["id"], {"important": False})["important"],
                            "parties": [{"id": p["id"], "name": p["name"], **p["positions"][s["id"]]}
                                        for p in parties]}
                           for s in match["statements"]]}


# personal data (docs/privacy.md) ----------------------------------------------------------------

def _erase_contributions(db, session, account_id, contributions):
    if contributions == REMOVE:
        repo.remove_contributions(db, session, account_id, domain.ERASED_AUTHOR)
    else:
        repo.anonymise_contributions(db, session, account_id, domain.ERASED_AUTHOR)


PERSONAL_DATA = PersonalData(
    *(Part(collection, export=repo.written_by(collection)) for collection in repo.CONTRIBUTIONS),
    Part("moderation", repo.moderation_of, either_way(repo.forget_moderation)),  # before the contributions
    Part("contributions", erase=_erase_contributions),
    Part("solution_supports", repo.solution_supports_of, either_way(repo.forget_supports)),
    Part("official_acts", repo.official_acts_of, either_way(partial(repo.anonymise_official_acts, erased_name=domain.ERASED_AUTHOR))),
)


