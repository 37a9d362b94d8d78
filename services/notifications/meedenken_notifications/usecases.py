"""What the notifications service does: follows, the inbox, and turning events into notifications."""
from meedenken_kit.errors import NotFound, load_or_raise
from meedenken_kit.personal_data import Part, PersonalData, either_way

from . import domain, repository as repo
from .mail_usecases import mail_data_of
from .events import NOTIFICATION_CREATED, NOTIFICATION_READ, TOPIC_FOLLOWED, TOPIC_UNFOLLOWED
from .schemas import (FollowIn, FollowQuery, InboxQuery, MarkReadIn, ModerationData, NotificationOut, PhaseChangedData,
                      PollData,
                      ProposalAnsweredData, ReactionPostedData, StatementPublishedData,
                      ThresholdReachedData, TopicDecidedData)

notification_out = NotificationOut()


def _set_follow(uow, payload, following):
    data = load_or_raise(FollowIn, payload)
    change, event_type = (repo.add_follow, TOPIC_FOLLOWED) if following else (repo.remove_follow, TOPIC_UNFOLLOWED)

    def txn(session):
        changed = change(uow.db, session, data["topic_id"], data["account_id"])
        count = repo.follower_count(uow.db, data["topic_id"], session)
        if changed:
            uow.emit(session, event_type, data["topic_id"], {
                "topic_id": data["topic_id"], "account_id": data["account_id"], "follower_count": count})
        return count
    return {"following": following, "follower_count": uow.transaction(txn)}


def follow(uow, payload):
    return _set_follow(uow, payload, True)


def unfollow(uow, payload):
    return _set_follow(uow, payload, False)


def follow_info(uow, query):
    q = load_or_raise(FollowQuery, query)
    following = bool(q["account_id"]) and repo.is_following(uow.db, q["topic_id"], q["account_id"])
    return {"follower_count": repo.follower_count(uow.db, q["topic_id"]), "following": following}


def inbox(uow, query):
    q = load_or_raise(InboxQuery, query)
    rows = repo.inbox(uow.db, q["account_id"], q.get("after"), q["limit"])
    items = rows[:q["limit"]]
    for item in items:
        item["title"] = domain.render_title(item["type"], item["params"], q["lang"])
    return {"items": notification_out.dump(items, many=True), "unread": repo.unread_count(uow.db, q["account_id"]),
            "next": items[-1]["_id"] if len(rows) > q["limit"] else None}


def mark_read(uow, payload):
    data = load_or_raise(MarkReadIn, payload)

    def txn(session):
        changed = repo.mark_read(uow.db, session, data["account_id"], data["notification_id"])
        if changed is None:
            raise NotFound("Notification not found.")
        if changed:
            uow.emit(session, NOTIFICATION_READ, data["notification_id"], {
                "notification_id": data["notification_id"], "account_id": data["account_id"]})
    uow.transaction(txn)


FAN_OUT_CHUNK = 500  # recipients per transaction: a phase change may reach 10,000 followers


def _notify(uow, event, kind, recipients, topic_id, subject_id, params):
    """Create one notification per recipient, once per event id, with its event in the outbox; many
    recipients in chunks, each chunk its own transaction (UnitOfWork.apply_once_in_chunks)."""
    uow.apply_once_in_chunks(event["id"], recipients, FAN_OUT_CHUNK, lambda session, chunk: create_notifications(
        uow, session, kind, chunk, topic_id, subject_id, params, event["id"]))


def create_notifications(uow, session, kind, accounts, topic_id, subject_id, params, cause):
    at = repo.now()
    created = repo.insert_notifications(uow.db, session, [
        {"account_id": account, "type": kind, "topic_id": topic_id, "subject_id": subject_id,
         "params": params, "read": False, "created_at": at, "cause": cause}
        for account in accounts])
    if created:  # one outbox entry for all of them (a fan-out's chunk: 500)
        uow.emit_many(session, NOTIFICATION_CREATED, [(notification["_id"], {
            "notification_id": notification["_id"], "account_id": notification["account_id"],
            "type": kind, "topic_id": topic_id, "subject_id": subject_id}) for notification in created])


def _followers_but(uow, topic_id, actor_id):
    return domain.recipients(repo.followers(uow.db, topic_id), actor_id)


def on_statement_published(uow, event):
    d = load_or_raise(StatementPublishedData, event["data"])
    _notify(uow, event, domain.STATEMENT_PUBLISHED, _followers_but(uow, d["topic_id"], d["actor_id"]),
            d["topic_id"], d["statement_id"], {"topic_title": d["topic_title"], "text": d["text"]})


def on_phase_changed(uow, event):
    d = load_or_raise(PhaseChangedData, event["data"])
    if d["by_decision"]:
        return  # topic.decided tells the followers, and everyone who took part, what was decided
    _notify(uow, event, domain.PHASE_CHANGED, _followers_but(uow, d["topic_id"], d["actor_id"]),
            d["topic_id"], d["topic_id"], {"topic_title": d["title"], "phase": d["to_phase"]})


def on_reaction_posted(uow, event):
    d = load_or_raise(ReactionPostedData, event["data"])
    if not d["official_answer"] or not d["parent_author_id"]:
        return
    _notify(uow, event, domain.OFFICIAL_ANSWER, domain.recipients([d["parent_author_id"]], d["author_id"]),
            d["topic_id"], d["reaction_id"], {"topic_title": d["topic_title"]})


def on_threshold_reached(uow, event):
    d = load_or_raise(ThresholdReachedData, event["data"])
    _notify(uow, event, domain.THRESHOLD_REACHED, domain.recipients([d["author_id"]], d["actor_id"]),
            None, d["proposal_id"], {"title": d["title"], "supports": d["supports"]})


def on_proposal_answered(uow, event):
    d = load_or_raise(ProposalAnsweredData, event["data"])
    _notify(uow, event, domain.PROPOSAL_ANSWERED, domain.recipients([d["author_id"]], d["actor_id"]),
            None, d["proposal_id"], {"title": d["title"]})


def on_topic_decided(uow, event, services):
    """Everyone who took part in the topic (asked over RPC of the services that know: topics and
    votes) and its followers hear what was done with their input, once per event id."""
    d = load_or_raise(TopicDecidedData, event["data"])
    participants = [account for service in services for account in service.participants_of_topic(d["topic_id"])]
    _notify(uow, event, domain.TOPIC_DECIDED,
            domain.recipients(participants + repo.followers(uow.db, d["topic_id"]), d["actor_id"]),
            d["topic_id"], d["topic_id"], {"topic_title": d["title"]})
def on_poll_opened(uow, event):
    _notify_poll(uow, event, domain.POLL_OPENED)


def on_poll_closed(uow, event):
    _notify_poll(uow, event, domain.POLL_CLOSED)


def _notify_poll(uow, event, kind):
    d = load_or_raise(PollData, event["data"])
    _notify(uow, event, kind, _followers_but(uow, d["topic_id"], None), d["topic_id"], d["poll_id"],
            {"topic_title": d["topic_title"], "question": d["question"]})


def _notify_author(uow, event, kind):
    d = load_or_raise(ModerationData, event["data"])
    _notify(uow, event, kind, domain.recipients([d["author_id"]], d["actor_id"]), d["topic_id"],
            d["item_id"], {"kind": d["kind"], "reason": d["reason"]})


def on_content_hidden(uow, event):
    _notify_author(uow, event, domain.CONTENT_HIDDEN)


def on_objection_decided(uow, event):
    decision = load_or_raise(ModerationData, event["data"])["decision"]
    _notify_author(uow, event, domain.OBJECTION_REINSTATED if decision == "reinstated" else domain.OBJECTION_UPHELD)
# personal data (docs/privacy.md) ----------------------------------------------------------------

PERSONAL_DATA = PersonalData(
    Part("follows", repo.follows_of, either_way(repo.forget_follows)),
    Part("notifications", repo.notifications_of, either_way(repo.forget_notifications)),
    Part("webhooks_registered", repo.webhooks_registered_by, either_way(repo.forget_webhook_registrant)),
    Part("organisation_roles", repo.org_roles_of, either_way(repo.forget_org_roles)),
    Part("mail", mail_data_of, either_way(repo.erase_mail_data)),
)


