"""Citizens' agenda proposals and their supports."""
from ..routing import Route, require_id
from ..schemas import (AgendaProposal, AgendaProposalIn, AgendaProposalList, ProposalAnswerIn, ProposalListQuery,
                       SupportResult)


def _with_supports(call, proposals):
    counts = call.rpc.call("votes", "proposal_supports", {
        "proposal_ids": [p["id"] for p in proposals], "account_id": call.account_id})
    for proposal in proposals:
        proposal.update(counts.get(proposal["id"], {"supports": 0, "supported": False}))
    return proposals


def submit(call):
    proposal = call.rpc.call("topics", "submit_agenda_proposal", call.actor, call.body)
    return {**proposal, "supports": 0, "supported": False}


def list_proposals(call):
    page = call.rpc.call("topics", "list_agenda_proposals", call.query, call.actor)
    _with_supports(call, page["items"])
    return page


def get_proposal(call, proposal_id):
    proposal = call.rpc.call("topics", "get_agenda_proposal", require_id(proposal_id, "Agenda proposal"), call.actor)
    return _with_supports(call, [proposal])[0]


def support(call, proposal_id):
    # what a support needs of the proposal (its organisation, threshold, author) is the same for every
    # citizen: asked of topics at most every few seconds per proposal, as everyone sees it
    proposal_id = require_id(proposal_id, "Agenda proposal")
    proposal = call.gateway.supportable.get_or_load(
        proposal_id, lambda: call.rpc.call("topics", "get_agenda_proposal", proposal_id))
    result = call.rpc.call("votes", "support_proposal", {
        "account_id": call.account_id, "proposal_id": proposal["id"], "org": proposal["org"],
        "support_threshold": proposal["support_threshold"], "author_id": proposal["author_id"],
        "title": proposal["title"]})
    return {key: result[key] for key in ("proposal_id", "supports", "supported", "threshold_reached")}


def answer(call, proposal_id):
    proposal = call.rpc.call("topics", "answer_agenda_proposal", call.actor,
                             require_id(proposal_id, "Agenda proposal"), call.body)
    return _with_supports(call, [proposal])[0]


A = ("agenda proposals",)
ROUTES = [
    Route("POST", "/api/v1/agenda-proposals", submit, "Propose an item for the agenda", auth="citizen",
          body=AgendaProposalIn, status=201, answer=AgendaProposal, errors=(400, 401, 404, 422), tags=A),
    Route("GET", "/api/v1/agenda-proposals", list_proposals, "Agenda proposals of an organisation, newest first",
          query=ProposalListQuery, answer=AgendaProposalList, errors=(422,), tags=A),
    Route("GET", "/api/v1/agenda-proposals/{proposal_id}", get_proposal, "One agenda proposal",
          answer=AgendaProposal, errors=(404,), tags=A),
    Route("POST", "/api/v1/agenda-proposals/{proposal_id}/support", support,
          "Support an agenda proposal (once per citizen)", auth="citizen", answer=SupportResult,
          errors=(401, 404), tags=A),
    Route("POST", "/api/v1/agenda-proposals/{proposal_id}/answer", answer,
          "Answer an agenda proposal that reached its threshold", auth="official", body=ProposalAnswerIn,
          answer=AgendaProposal, errors=(400, 401, 403, 404, 409, 422), tags=A),
]
