"""Counting rules of the votes service. Plain functions: no broker, no database."""
CHOICES = ("agree", "disagree", "pass")


def tally_change(previous, choice):
    """The tally increments for a citizen whose answer goes from ``previous`` (None: first answer)
    to ``choice``; empty when nothing changes, so a retried answer counts once."""
    if previous == choice:
        return {}
    change = {choice: 1}
    if previous is not None:
        change[previous] = -1
    return change


def empty_tally():
    return {choice: 0 for choice in CHOICES}


def tally_of(doc):
    doc = doc or {}
    return {choice: int(doc.get(choice, 0)) for choice in CHOICES}


def reaches_threshold(supports, threshold, already_reached):
    """True exactly for the support that brings a proposal to its threshold for the first time."""
    return not already_reached and supports >= threshold
