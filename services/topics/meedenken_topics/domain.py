"""Rules of the participation ladder and who may do what in which phase. Plain functions: no
broker, no database."""
from meedenken_kit.errors import Conflict, Forbidden, InvalidInput, NotFound

DRAFT, INFORM, CONSULT, ADVISE, CO_CREATE, CO_DECIDE, DECIDED, CLOSED = (
    "draft", "inform", "consult", "advise", "co_create", "co_decide", "decided", "closed")
LADDER = [DRAFT, INFORM, CONSULT, ADVISE, CO_CREATE, CO_DECIDE, DECIDED]
PHASES = LADDER + [CLOSED]
PUBLISHED = set(PHASES) - {DRAFT}

# What a citizen may do, by phase (product.md). Officials may post statements and answers in every
# phase that is not finished.
CITIZEN_MAY = {
    "react": {CONSULT, ADVISE, CO_CREATE, CO_DECIDE},
    "answer_statement": {CONSULT, ADVISE, CO_CREATE, CO_DECIDE},
    "propose_statement": {CONSULT, ADVISE, CO_CREATE, CO_DECIDE},
    "propose_solution": {ADVISE, CO_CREATE},
    "vote": {CO_DECIDE},
}
OFFICIAL_MAY_POST = {DRAFT, INFORM, CONSULT, ADVISE, CO_CREATE, CO_DECIDE, DECIDED}
OFFICIAL_ROLES = {"official", "admin"}
# the author shown on what an erased account wrote (docs/privacy.md)
ERASED_AUTHOR = "verwijderde deelnemer"

# Where a visit came from, as the ``via`` tag on links to a topic says (docs/decisions/0012): the
# outreach kit's QR codes and the share links of the web pages.
CAMPAIGN_CHANNELS = ("flyer", "poster", "krant", "email", "whatsapp", "facebook", "x", "linkedin")

AMBASSADOR = "ambassador"  # a local person who agreed to be active from the start (decision 0013)

PHASE_LABELS_NL = {
    DRAFT: "concept", INFORM: "informeren", CONSULT: "raadplegen", ADVISE: "adviseren",
    CO_CREATE: "coproduceren", CO_DECIDE: "meebeslissen", DECIDED: "besloten", CLOSED: "gesloten",
}


def is_official(actor, org):
    return bool(actor) and actor.get("roles", {}).get(org) in OFFICIAL_ROLES


def is_ambassador(actor, org):
    """Whether what this actor contributes in the organisation is marked "ambassadeur"."""
    return bool(actor) and actor.get("roles", {}).get(org) == AMBASSADOR


def require_actor(actor):
    if not actor:
        raise Forbidden("Log in to do this.")
    return actor


def require_official(actor, org):
    require_actor(actor)
    if not is_official(actor, org):
        raise Forbidden("Only officials of this organisation may do this.")


def check_transition(current, target):
    """Forward only along the ladder, skipping allowed; ``closed`` from any published phase."""
    if target not in PHASES or target == DRAFT:
        raise InvalidInput("Unknown phase.", {"phase": [f"Must be one of: {', '.join(PHASES[1:])}."]})
    if current == CLOSED:
        raise Conflict("This topic is closed; its phase can no longer change.")
    if target == CLOSED:
        if current == DRAFT:
            raise Conflict("A draft cannot be closed; publish it first.")
        return
    if LADDER.index(target) <= LADDER.index(current):
        raise Conflict(f"A topic moves forward only: it is in '{current}' and cannot go to '{target}'.")


def is_publication(current, target):
    return current == DRAFT and target in PUBLISHED


def visible(topic, actor):
    """Drafts are seen only by the organisation's officials."""
    return topic["phase"] in PUBLISHED or is_official(actor, topic["org"])


def require_visible(topic, actor):
    if topic is None or not visible(topic, actor):
        raise NotFound("Topic not found.")
    return topic


def require_citizen_may(action, topic, actor):
    require_actor(actor)
    if topic["phase"] not in CITIZEN_MAY[action]:
        raise Conflict(
            f"Not possible while the topic is in phase '{topic['phase']}'.",
            {"phase": [f"Allowed in: {', '.join(sorted(CITIZEN_MAY[action], key=PHASES.index))}."]},
        )


def new_statement_status(topic, actor):
    """An official's statement is published at once; a citizen's waits for moderation."""
    if is_official(actor, topic["org"]):
        if topic["phase"] not in OFFICIAL_MAY_POST:
            raise Conflict("This topic is closed.")
        return "published"
    require_citizen_may("propose_statement", topic, actor)
    return "pending"


def check_reaction(topic, actor):
    """Returns whether the reaction is an official answer."""
    require_actor(actor)
    if is_official(actor, topic["org"]):
        if topic["phase"] not in OFFICIAL_MAY_POST - {DRAFT}:
            raise Conflict("Reactions are not possible in this phase.")
        return True
    require_citizen_may("react", topic, actor)
    return False


def check_moderation(statement, topic, actor, decision, reason):
    require_official(actor, topic["org"])
    if statement["status"] != "pending":
        raise Conflict(f"This statement was already moderated ({statement['status']}).")
    if decision == "reject" and not (reason or "").strip():
        raise InvalidInput("A rejection needs a reason.", {"reason": ["Required when rejecting."]})
    return "published" if decision == "approve" else "rejected"


def check_proposal_answer(proposal, actor):
    """Officials answer an agenda proposal once it has reached its threshold, once."""
    require_official(actor, proposal["org"])
    if proposal["status"] == "answered":
        raise Conflict("This agenda proposal has been answered already.")
    if proposal["status"] != "threshold_reached":
        raise Conflict("This agenda proposal has not reached its threshold yet.")


def statement_visible(statement, topic, actor):
    if statement["status"] == "published":
        return True
    return is_official(actor, topic["org"]) or (bool(actor) and statement["author_id"] == actor["id"])



# solutions and the decision ---------------------------------------------------------------------

TAKE_INTO_VOTE_PHASES = {ADVISE, CO_CREATE, CO_DECIDE}
DECIDE_FROM = PUBLISHED - {DECIDED, CLOSED}
INPUT_KINDS = ("statement", "solution", "agenda_proposal")


def check_take_into_vote(topic, actor):
    """Officials choose which solutions go to the vote while the topic is heading there."""
    require_official(actor, topic["org"])
    if topic["phase"] not in TAKE_INTO_VOTE_PHASES:
        raise Conflict(f"Solutions can be taken into the vote only while the topic is in "
                       f"{', '.join(sorted(TAKE_INTO_VOTE_PHASES, key=PHASES.index))}; "
                       f"it is in '{topic['phase']}'.")


def check_decision(topic, actor):
    """An official publishes the decision once, from any published phase before ``decided``."""
    require_official(actor, topic["org"])
    if topic["phase"] not in DECIDE_FROM:
        raise Conflict("A decision can be published only on a published topic that is not decided or closed; "
                       f"it is in '{topic['phase']}'.")


def check_decision_input(topic, items, found):
    """``items`` are the decision's ``{kind, id, what_was_done}``; ``found`` maps (kind, id) to the
    statement, solution or agenda proposal with that id (or nothing). Each must belong to the topic
    (an agenda proposal: to its organisation) and be named once. Returns the field errors."""
    errors, seen = {}, set()
    for index, item in enumerate(items):
        key = (item["kind"], item["id"])
        doc = found.get(key)
        if key in seen:
            errors[str(index)] = {"id": ["Named twice."]}
        elif doc is None or (doc.get("org") != topic["org"] if item["kind"] == "agenda_proposal"
                             else doc.get("topic_id") != topic["_id"]):
            errors[str(index)] = {"id": [f"No {item['kind'].replace('_', ' ')} with this id on this topic."]}
        elif item["kind"] == "statement" and doc.get("status") != "published":
            errors[str(index)] = {"id": ["Only published statements can be named."]}
        seen.add(key)
    if errors:
        raise InvalidInput("The decision names input that does not belong to this topic.", {"input": errors})


def input_label(kind, doc):
    """What the decision page shows for an input: a statement's text, a solution's or proposal's title."""
    return doc["text"] if kind == "statement" else doc["title"]
