"""The review's live feed over a real websocket (the ASGI application, sessions, origin check,
the in-memory layer): replay after reconnect (in order, once, same state as a fresh load),
presence, notifications, access changes, share links closed at once, and every socket message
for every principal in one table."""
from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from designer import services, simulation
from designer.asgi import application
from designer.review import comments, feed, reviews, sharing
from designer.review.models import Activity

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                           "CONFIG": {"capacity": 5000}}}
    from channels.layers import channel_layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(user, path: str):
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(_cookie)(user)))
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await comm.connect(timeout=5)
    assert connected
    return comm


async def until(comm, predicate, timeout=10) -> list[dict]:
    frames = []
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        frame = json.loads(await comm.receive_from(timeout=max(0.1, end - loop.time())))
        frames.append(frame)
        if predicate(frame):
            return frames


async def closed_with(comm) -> int:
    while True:
        output = await comm.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


def activity_frames(frames):
    return [f for f in frames if f["type"] == "activity"]


def state_of(frames, initial: dict | None = None) -> dict:
    """What a page shows: comments by id and reviews by id, after applying the frames in order."""
    state = {"comments": dict(initial or {}), "reviews": {}}
    for frame in frames:
        if frame.get("comment"):
            state["comments"][frame["comment"]["id"]] = frame["comment"]
        if frame.get("review"):
            state["reviews"][frame["review"]["id"]] = frame["review"]
    return state


async def test_frames_are_replayed_after_reconnect_in_order_once(users, workflow, reviewer):
    path = f"/ws/workflows/{workflow.pk}/feed/?after=0&page=editor"
    page = await connect(users["viewer"], path)
    hello = (await until(page, lambda f: f["type"] == "hello"))[-1]
    assert hello["permissions"]["read"] and not hello["permissions"]["comment"]
    start = hello["lastSeq"]
    first = await sync_to_async(comments.comment_create)(user=reviewer, workflow=workflow, text_="One",
                                                          state="Check Address")
    live = await until(page, lambda f: f["type"] == "activity" and f["seq"] == start + 1)
    assert activity_frames(live)[-1]["comment"]["text"] == "One"
    seen = activity_frames(live)[-1]["seq"]
    await page.disconnect()

    # While the page is away: a reply, an edit, a review asked and answered.
    await sync_to_async(comments.comment_create)(user=users["editor"], workflow=workflow, text_="Two", parent=first.pk)
    await sync_to_async(comments.comment_edit)(user=reviewer, comment=first, text_="One, edited")
    request = await sync_to_async(reviews.review_request)(user=users["owner"], workflow=workflow, version=1,
                                                           reviewers=["reviewer"])
    await sync_to_async(reviews.review_answer)(user=reviewer, request=request, decision="approved")
    last = await sync_to_async(Activity.objects.filter(workflow=workflow).count)()

    page = await connect(users["viewer"], f"/ws/workflows/{workflow.pk}/feed/?after={seen}&page=editor")
    frames = await until(page, lambda f: f["type"] == "activity" and f["seq"] == last)
    replayed = activity_frames(frames)
    assert [f["seq"] for f in replayed] == list(range(seen + 1, last + 1))
    assert [f["entry"]["kind"] for f in replayed] == ["comment.created", "comment.edited", "review.requested",
                                                      "review.answered"]
    assert not activity_frames([json.loads(t) for t in await _drain(page)])  # nothing twice

    # Replaying everything from 0 gives the same state as a fresh read of the API.
    await page.send_json_to({"command": "replay", "after": 0, "id": 7})
    frames = await until(page, lambda f: f["type"] == "ack" and f.get("id") == 7)
    everything = activity_frames(frames)
    assert [f["seq"] for f in everything] == list(range(1, last + 1))
    fresh = await sync_to_async(_fresh_state)(workflow)
    assert state_of(everything) == fresh
    await page.disconnect()


def _fresh_state(workflow) -> dict:
    from designer.review import selectors
    from designer.review.serializers import ReviewSerializer, comments_out

    return {"comments": {c["id"]: c for c in comments_out(selectors.comment_list(workflow=workflow), workflow=workflow)},
            "reviews": {r.pk: ReviewSerializer(r).data for r in selectors.review_list(workflow=workflow)}}


async def test_a_gap_in_the_broadcast_is_filled_from_the_database(users, workflow, reviewer, monkeypatch):
    page = await connect(users["viewer"], f"/ws/workflows/{workflow.pk}/feed/")
    hello = (await until(page, lambda f: f["type"] == "hello"))[-1]
    start = hello["lastSeq"]
    # Write two entries without publishing them, then publish only the second: the first must come too.
    publish = feed.publish
    monkeypatch.setattr(feed, "publish", lambda entry_id: None)
    await sync_to_async(_record_quietly)(workflow, users["owner"], 2)
    monkeypatch.setattr(feed, "publish", publish)
    await sync_to_async(feed.publish)(await sync_to_async(_entry_id)(workflow, start + 2))
    frames = await until(page, lambda f: f["type"] == "activity" and f["seq"] == start + 2)
    assert [f["seq"] for f in activity_frames(frames)] == [start + 1, start + 2]
    await sync_to_async(feed.publish)(await sync_to_async(_entry_id)(workflow, start + 1))  # late: skipped
    assert not activity_frames([json.loads(t) for t in await _drain(page)])
    await page.disconnect()


def _record_quietly(workflow, actor, count):
    for _ in range(count):
        feed.record(workflow=workflow, kind="version.saved", actor=actor, version_number=1)


def _entry_id(workflow, seq):
    return Activity.objects.get(workflow=workflow, seq=seq).pk


async def _drain(comm, wait=0.3) -> list[str]:
    """Everything the socket sends within ``wait`` of quiet (receive_nothing does not end the app)."""
    out = []
    while not await comm.receive_nothing(timeout=wait):
        out.append(await comm.receive_from(timeout=5))
    return out


async def test_presence_and_notifications_reach_the_pages(users, workflow, reviewer):
    owner = await connect(users["owner"], f"/ws/workflows/{workflow.pk}/feed/?page=editor")
    await until(owner, lambda f: f["type"] == "presence")
    inbox = await connect(reviewer, "/ws/inbox/")
    assert (await until(inbox, lambda f: f["type"] == "hello"))[-1]["unread"] == 0
    other = await connect(reviewer, f"/ws/workflows/{workflow.pk}/feed/?page=run")
    frames = await until(owner, lambda f: f["type"] == "presence" and len(f["here"]) == 2)
    assert {(p["name"], p["page"]) for p in frames[-1]["here"]} == {("owner", "editor"), ("reviewer", "run")}
    await other.send_json_to({"command": "here", "page": "editor", "state": "Check Address", "id": 1})
    frames = await until(owner, lambda f: f["type"] == "presence" and any(p["state"] for p in f["here"]))
    assert [p["state"] for p in frames[-1]["here"] if p["name"] == "reviewer"] == ["Check Address"]
    await sync_to_async(reviews.review_request)(user=users["owner"], workflow=workflow, version=1, reviewers=["reviewer"])
    for page in (inbox, other):
        note = (await until(page, lambda f: f["type"] == "notification"))[-1]
        assert note["unread"] == 1 and note["notification"]["kind"] == "review_requested"
    for n in range(12):  # each "here" reaches every page: a page may not flood them
        await other.send_json_to({"command": "here", "page": "editor", "id": 100 + n})
    # Read until the answer to the last one: a loaded machine may pause longer than _drain's quiet.
    answers = [f for f in await until(other, lambda f: f.get("id") == 111, timeout=30) if f.get("id", 0) >= 100]
    assert [a["type"] for a in answers].count("ack") == 9 and answers[-1]["error"] == "too_many"
    await other.disconnect()
    frames = await until(owner, lambda f: f["type"] == "presence" and len(f["here"]) == 1)
    assert frames[-1]["here"][0]["name"] == "owner"
    await owner.disconnect()
    await inbox.disconnect()


async def test_access_changes_reach_open_feeds(users, workflow, reviewer):
    page = await connect(reviewer, f"/ws/workflows/{workflow.pk}/feed/")
    await until(page, lambda f: f["type"] == "hello")
    await sync_to_async(services.membership_set)(user=users["owner"], workflow=workflow, username="reviewer",
                                                 role="viewer")
    access = (await until(page, lambda f: f["type"] == "access"))[-1]
    assert access["permissions"]["comment"] is False
    await sync_to_async(services.membership_remove)(user=users["owner"], workflow=workflow, member_id=reviewer.pk)
    assert await closed_with(page) == 4404


async def test_revoking_a_share_link_closes_its_open_sockets(users, workflow):
    execution, _ = await sync_to_async(simulation.execution_start)(user=users["owner"], workflow=workflow, input={},
                                                                   seed=1)
    link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow,
                                                          execution=execution.pk)
    token = await sync_to_async(sharing.share_link_token)(link)
    guest_feed = await connect(None, f"/ws/share/{token}/feed/")
    guest_run = await connect(None, f"/ws/share/{token}/execution/?after=0")
    assert (await until(guest_feed, lambda f: f["type"] == "hello"))[-1]["permissions"]["comment"] is False
    hello = (await until(guest_run, lambda f: f["type"] == "hello"))[-1]
    assert hello["canControl"] is False and hello["execution"]["status"] == "RUNNING"
    # Comments reach the guest; review business does not.
    await sync_to_async(comments.comment_create)(user=users["editor"], workflow=workflow, text_="Hello guests",
                                                  state="Check Address")
    await sync_to_async(reviews.review_request)(user=users["owner"], workflow=workflow, version=1,
                                                reviewers=["editor"])
    frames = await until(guest_feed, lambda f: f["type"] == "activity")
    assert frames[-1]["comment"]["text"] == "Hello guests"
    assert not [f for f in [json.loads(t) for t in await _drain(guest_feed)] if f["type"] == "activity"]
    await sync_to_async(sharing.share_link_revoke)(user=users["owner"], link=link)
    assert await closed_with(guest_feed) == 4404
    assert await closed_with(guest_run) == 4404
    gone = await connect(None, f"/ws/share/{token}/feed/")
    assert (await until(gone, lambda f: f["type"] == "error"))[-1]["error"] == "not_found"
    assert await closed_with(gone) == 4404


async def test_an_expiring_share_link_closes_its_socket_when_it_expires(users, workflow):
    import datetime as dt

    from django.utils import timezone

    from designer.review.models import ShareLink

    link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow, version=1,
                                                          expires_in_days=1)
    await sync_to_async(ShareLink.objects.filter(pk=link.pk).update)(expires=timezone.now() + dt.timedelta(seconds=1))
    token = await sync_to_async(sharing.share_link_token)(link)
    guest = await connect(None, f"/ws/share/{token}/feed/")
    await until(guest, lambda f: f["type"] == "hello")
    assert await closed_with(guest) == 4404


# --- every socket message, for every principal -----------------------------------------------------

MESSAGES = [
    # (what is sent, the answer's type and error code; per principal where they differ)
    ({"command": "ping"}, ("ack", None)),
    ({"command": "replay", "after": 0}, ("ack", None)),
    ({"command": "replay", "after": -1}, ("error", "invalid_input")),
    ({"command": "here", "page": "editor", "state": "Check Address"}, ("ack", None)),
    ({"command": "here", "page": "the moon"}, ("error", "invalid_input")),
    ({"command": "comment", "text": "over the socket"}, ("error", "unknown_command")),
    ({"command": "step"}, ("error", "unknown_command")),
    ("not json", ("error", "invalid_json")),
    ([1, 2], ("error", "invalid_message")),
    ("x" * 20_000, ("error", "too_large")),
]


async def test_socket_message_matrix(users, workflow, reviewer):
    """Connecting, and each message, for owner, editor, reviewer, viewer, non-member, anonymous and
    a share link's holder: members and link holders get the same answers to the same messages
    (none of them changes anything); the others never get past connecting."""
    link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow, version=1)
    token = await sync_to_async(sharing.share_link_token)(link)
    execution, _ = await sync_to_async(simulation.execution_start)(user=users["owner"], workflow=workflow, input={},
                                                                   seed=1)
    run_link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow,
                                                              execution=execution.pk)
    run_token = await sync_to_async(sharing.share_link_token)(run_link)
    feed_path = f"/ws/workflows/{workflow.pk}/feed/"
    connects = {"owner": (users["owner"], feed_path, None), "editor": (users["editor"], feed_path, None),
                "reviewer": (reviewer, feed_path, None), "viewer": (users["viewer"], feed_path, None),
                "stranger": (users["stranger"], feed_path, 4404), "anonymous": (None, feed_path, 4401),
                "share": (None, f"/ws/share/{token}/feed/", None)}
    for who, (user, path, refused) in connects.items():
        page = await connect(user, path)
        first = (await until(page, lambda f: True))[-1]
        if refused:
            assert first["type"] == "error" and await closed_with(page) == refused, who
            continue
        assert first["type"] == "hello", who
        for n, (message, (kind, code)) in enumerate(MESSAGES):
            ident = n + 1
            if isinstance(message, dict):
                await page.send_json_to({**message, "id": ident})
            else:
                await page.send_to(text_data=message if isinstance(message, str) else json.dumps(message))
            answer = (await until(page, lambda f: f["type"] in ("ack", "error")))[-1]
            assert (answer["type"], answer.get("error")) == (kind, code), (who, message)
            if isinstance(message, dict):
                assert answer["id"] == ident, (who, message)
        await page.disconnect()

    # The run stream: control commands are refused to a reviewer and to a run link's holder;
    # both may replay, and the run does not move.
    for user, path in ((reviewer, f"/ws/executions/{execution.pk}/"), (None, f"/ws/share/{run_token}/execution/")):
        page = await connect(user, path)
        assert (await until(page, lambda f: f["type"] == "hello"))[-1]["canControl"] is False
        await page.send_json_to({"command": "step", "id": 1})
        answer = (await until(page, lambda f: f["type"] == "error"))[-1]
        assert (answer["error"], answer["id"]) == ("forbidden", 1), path
        await page.send_json_to({"command": "replay", "after": 0, "id": 2})
        assert (await until(page, lambda f: f["type"] == "ack"))[-1]["id"] == 2
        await page.disconnect()
    await sync_to_async(execution.refresh_from_db)()
    assert execution.last_seq == 1


async def test_a_run_share_link_follows_a_continuing_run_live_and_misses_nothing_on_reconnect(users):
    """The guest's page of a run's share link is a live replay: the runner advances the run (one
    transition at a time at its speed) and each step reaches the guest's socket as it happens;
    a reconnect after event N replays N+1.. once, in order."""
    from designer import live

    steps = {f"Step {i}": {"Type": "Pass", "Next": f"Step {i + 1}"} for i in range(1, 5)}
    steps["Step 5"] = {"Type": "Succeed"}
    workflow = await sync_to_async(services.workflow_create)(owner=users["owner"], name="Five steps",
                                                             definition={"StartAt": "Step 1", "States": steps})
    execution, _ = await sync_to_async(simulation.execution_start)(user=users["owner"], workflow=workflow, input={},
                                                                   seed=1)
    await sync_to_async(simulation.execution_set_speed)(user=users["owner"], execution=execution, speed=50)
    link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow,
                                                          execution=execution.pk)
    token = await sync_to_async(sharing.share_link_token)(link)
    guest = await connect(None, f"/ws/share/{token}/execution/?after=0")
    hello = (await until(guest, lambda f: f["type"] == "hello"))[-1]
    before = hello["execution"]["lastSeq"]
    assert before >= 1
    assert hello["execution"]["status"] == "RUNNING" and hello["canControl"] is False
    frames = await until(guest, lambda f: f["type"] == "events" and f["events"][-1]["id"] == before)

    update = await sync_to_async(simulation.execution_continue)(user=users["owner"], execution=execution)
    await live.publish(update)
    frames = await until(guest, lambda f: f["type"] == "events" and f["execution"]["status"] == "SUCCEEDED",
                         timeout=30)
    live_frames = [f for f in frames if f["type"] == "events" and not f.get("replay")]
    ids = [e["id"] for f in live_frames for e in f["events"]]
    assert ids == list(range(before + 1, ids[-1] + 1))  # every event once, in order
    assert len(live_frames) > 1  # step by step as the runner went, not all at the end
    assert [e["step"] for f in live_frames for e in f["events"] if e["type"] == "PassStateEntered"] == \
        [f"Step {i}" for i in range(1, 5)]
    await guest.disconnect()

    again = await connect(None, f"/ws/share/{token}/execution/?after={before + 2}")
    frames = await until(again, lambda f: f["type"] == "events" and f["events"][-1]["id"] == ids[-1])
    assert [e["id"] for f in frames if f["type"] == "events" for e in f["events"]] == \
        list(range(before + 3, ids[-1] + 1))
    await again.disconnect()
