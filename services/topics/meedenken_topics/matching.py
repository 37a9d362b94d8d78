"""Election matches (in the manner of Stemwijzer): who may change a match, and the scoring of a
citizen's answers against the parties' positions. Plain functions: no broker, no database.
The rules are explained for citizens and parties in docs/election-match.md."""
import random
from fractions import Fraction

from meedenken_kit.errors import Conflict, InvalidInput, NotFound

from . import domain

POSITIONS = ("agree", "neutral", "disagree")
ANSWERS = POSITIONS + ("skip",)
IMPORTANT_WEIGHT = 2
# agreement per statement, in half points: the same position 2 (1 point), neutral against a side
# 1 (half a point), opposite sides 0
_HALF_POINTS = {frozenset({"agree"}): 2, frozenset({"neutral"}): 2, frozenset({"disagree"}): 2,
                frozenset({"agree", "neutral"}): 1, frozenset({"disagree", "neutral"}): 1,
                frozenset({"agree", "disagree"}): 0}


def agreement(answer, position):
    """1, 0.5 or 0 (as a Fraction) for one statement."""
    return Fraction(_HALF_POINTS[frozenset({answer, position})], 2)


def visible(match, actor):
    """Published matches are public; drafts only to the organisation's officials."""
    return match["status"] == "published" or domain.is_official(actor, match["org"])


def require_visible(match, actor):
    if match is None or not visible(match, actor):
        raise NotFound("Election match not found.")
    return match


def require_editable(match, actor):
    """Officials of the organisation change a match while it is a draft; published, it is fixed
    so every citizen is matched against the same positions."""
    require_visible(match, actor)
    domain.require_official(actor, match["org"])
    if match["status"] != "draft":
        raise Conflict("A published election match can no longer be changed.")
    return match


def check_positions(match, positions):
    """A party takes a position on every statement of the match, each once."""
    ids = [p["statement_id"] for p in positions]
    expected = {s["id"] for s in match["statements"]}
    if len(set(ids)) != len(ids) or set(ids) != expected:
        raise InvalidInput("Give exactly one position for every statement of the match.",
                           {"positions": ["One per statement of the match."]})


def check_unique_party(match, name):
    if any(p["name"].casefold() == name.casefold() for p in match["parties"]):
        raise Conflict(f"The match already has a party named '{name}'.")


def check_publishable(match):
    if len(match["parties"]) < 2:
        raise Conflict("Enter at least two parties before publishing.")


def alphabetical(parties):
    return sorted(parties, key=lambda p: (p["name"].casefold(), p["id"]))


def score(match, answers, rng=None):
    """Rank the parties by agreement with ``answers`` (statement id -> {answer, important}).

    Per answered statement (not skipped) a party gets its agreement (1, 0.5 or 0) times the
    statement's weight (2 when marked important, else 1); its percentage is the total divided by
    the total weight. Parties with equal scores share a rank and are listed in random order among
    themselves (``rng``, a new one per call), so no name or entry order is favoured."""
    unknown = set(answers) - {s["id"] for s in match["statements"]}
    if unknown:
        raise InvalidInput("Answer only the statements of this match.", {"answers": ["Unknown statement."]})
    counted = {sid: a for sid, a in answers.items() if a["answer"] != "skip"}
    if not counted:
        raise InvalidInput("Answer at least one statement (not all skipped).", {"answers": ["All skipped."]})
    total_weight = sum(IMPORTANT_WEIGHT if a["important"] else 1 for a in counted.values())
    scored = []
    for party in match["parties"]:
        points = sum(agreement(a["answer"], party["positions"][sid]["position"]) *
                     (IMPORTANT_WEIGHT if a["important"] else 1) for sid, a in counted.items())
        scored.append((Fraction(points) / total_weight, party))
    (rng or random.SystemRandom()).shuffle(scored)
    scored.sort(key=lambda item: item[0], reverse=True)  # stable: ties keep the random order
    ranking, rank = [], 0
    for index, (share, party) in enumerate(scored):
        if index == 0 or share != scored[index - 1][0]:
            rank = index + 1
        tied = sum(1 for other, _ in scored if other == share) > 1
        ranking.append({"id": party["id"], "name": party["name"], "rank": rank, "tied": tied,
                        "percentage": round(float(share) * 100, 1)})
    return ranking, total_weight
