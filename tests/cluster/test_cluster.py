"""The local cluster with its real parts: PostgreSQL, Redis, nginx, two Rasa and two action servers.

One cluster is started for the module (tests/cluster/support.py, through
``cluster.runner.Cluster``, the code behind ``make cluster``); the tests run
in file order: failover kills a Rasa process, the store tests stop PostgreSQL
and Redis, and the last test restarts everything.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any, Dict, Iterator, List, Optional

import aiohttp
import pytest

from cluster.runner import Cluster
from escalation.rasa_client import RESUMED_TEXT, RasaClient
from tests.cluster.support import (
    ReconnectingVisitor,
    arest,
    assert_every_event_once,
    cluster_fixture,
    eventually,
    log_tails,
    rest,
    socket_upstream,
    tracker,
    turns,
)
from tests.widget.chat_client import texts

pytestmark = [pytest.mark.cluster, pytest.mark.servers]

PROTOCOL = "uso imap"
DELETE = "se cancello una email dallo smartphone la perdo anche sul computer di casa?"
OFFLINE = "posso leggere le mail vecchie quando sono in aereo senza internet?"
SPACE = "la mia mailbox ha quasi finito lo spazio, come mai si riempie cosi in fretta?"
HANDOVER = "non ci capisco niente, mi passi un operatore per favore?"
SORRY = "riprova tra poco"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from cluster_fixture()


def _sender(name: str) -> str:
    return f"cluster-{name}-{secrets.token_hex(4)}"


def _port(url_or_upstream: str) -> int:
    return int(url_or_upstream.rsplit(":", 1)[1])


def _alive(cluster: Cluster) -> List[str]:
    return [s.name for s in cluster.servers() if s.process.poll() is None]


def _saved_turns(cluster: Cluster, sender: str, count: int) -> None:
    """Wait until the tracker store holds ``count`` customer turns of ``sender``."""
    eventually(lambda: len(turns(tracker(cluster, sender))) >= count,
               f"{sender}: fewer than {count} turns saved")


# ---------------------------------------------------------------- 1. turns move between processes

def test_turns_alternate_between_processes_and_keep_context(cluster: Cluster) -> None:
    """Protocol named on process A is used on B, then A, then B; every event stored once."""
    sender = _sender("alternate")
    first, second = cluster.config.rasa_urls
    for url, text in ((first, PROTOCOL), (second, DELETE), (first, OFFLINE), (second, SPACE)):
        rest(url, sender, text)
    _saved_turns(cluster, sender, 4)
    got = turns(tracker(cluster, sender, second))
    assert [text for text, _ in got] == [PROTOCOL, DELETE, OFFLINE, SPACE]
    assert "utter_delete_imap" in got[1][1], got
    assert "utter_offline_imap" in got[2][1], got
    assert "utter_space_imap" in got[3][1], got
    state = assert_every_event_once(cluster, sender)
    assert state["slots"]["protocol"] == "imap"
    # Rasa's event broker recorded each event once too, in the analytics database.
    broker = cluster.postgres.query("SELECT data FROM events WHERE sender_id = %s ORDER BY id",
                                    (sender,), db="analytics")
    assert [json.loads(row[0])["event"] for row in broker] == [e["event"] for e in state["events"]]
    # Through the balancer: REST round-robins over both processes.
    served = {rest(cluster.config.public_url, _sender("rr"), "ciao")[0] for _ in range(4)}
    assert {_port(u) for u in served} == set(cluster.config.rasa_ports)


# ---------------------------------------------------------------- 2. lock

@pytest.mark.asyncio
async def test_simultaneous_messages_are_handled_one_after_the_other(cluster: Cluster) -> None:
    """Same conversation, same instant, two processes: both turns complete, in order, nothing lost.

    With the lock store removed (CLUSTER_TEST_NO_LOCK=1) this fails: both processes
    load the same tracker and the second save loses or mixes the first one's events.
    """
    first, second = cluster.config.rasa_urls
    senders = [_sender(f"lock{i}") for i in range(3)]
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(arest(session, first, s, PROTOCOL) for s in senders))
        await asyncio.gather(*(
            call for s in senders
            for call in (arest(session, first, s, DELETE), arest(session, second, s, OFFLINE))))
    expected = {DELETE: "utter_delete_imap", OFFLINE: "utter_offline_imap"}
    for sender in senders:
        # The replies come before the last turn is saved: wait for it (a lost turn never comes).
        _saved_turns(cluster, sender, 3)
        state = assert_every_event_once(cluster, sender)
        got = turns(state)
        assert [text for text, _ in got[:1]] == [PROTOCOL]
        assert sorted(text for text, _ in got[1:]) == sorted(expected), got
        for text, responses in got[1:]:
            assert expected[text] in responses, got
        # one turn after the other: each user message is followed by its turn's action_listen
        names = [e["event"] if e["event"] != "action" else e["name"] for e in state["events"]]
        user_positions = [i for i, name in enumerate(names) if name == "user"]
        for start, end in zip(user_positions, user_positions[1:] + [len(names)]):
            assert "action_listen" in names[start:end], names
        stamps = [e["timestamp"] for e in state["events"]]
        assert stamps == sorted(stamps)


# ---------------------------------------------------------------- 3. agent push

@pytest.mark.asyncio
async def test_agent_reply_from_the_other_process_reaches_the_widget(cluster: Cluster) -> None:
    """The visitor's socket is on one process; the agent's reply is posted to the other one."""
    holder = _port(socket_upstream(cluster.config.public_url))
    other = next(url for url in cluster.config.rasa_urls if _port(url) != holder)
    visitor = ReconnectingVisitor(cluster.config.public_url)
    await visitor.connect()
    try:
        assert texts(await visitor.ask(PROTOCOL))
        client = RasaClient(other, cluster.auth_token)
        try:
            await client.push_to_widget(visitor.conversation_id, "Sono Giulia, ti aiuto io.", "Giulia")
        finally:
            await client.close()
        assert texts(await visitor.collect(first_timeout=15, quiet=0.5)) == ["Sono Giulia, ti aiuto io."]
    finally:
        await visitor.close()


# ---------------------------------------------------------------- 7. scaling

@pytest.mark.asyncio
async def test_throughput_one_process_versus_two(cluster: Cluster) -> None:
    """The same c20 REST load on one Rasa process and on both (through nginx); figures printed."""

    async def load(url: str, workers: int = 20, per_worker: int = 4) -> float:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
            async def worker(n: int) -> None:
                sender = _sender(f"load{n}")
                for text in (PROTOCOL, DELETE, OFFLINE, SPACE)[:per_worker]:
                    assert await arest(session, url, sender, text)

            started = time.monotonic()
            await asyncio.gather(*(worker(n) for n in range(workers)))
            return workers * per_worker / (time.monotonic() - started)

    one = await load(cluster.config.rasa_urls[0])
    two = await load(cluster.config.public_url)
    print(f"\ncluster.throughput_msgs_per_s.1 = {one:.1f}\ncluster.throughput_msgs_per_s.2 = {two:.1f}")
    assert one > 0 and two > 0


# ---------------------------------------------------------------- 4. failover

@pytest.mark.asyncio
async def test_failover_after_sigkill_keeps_the_conversation(cluster: Cluster) -> None:
    """SIGKILL the process holding the widget's socket: reconnect via nginx, survivor answers in context."""
    visitor = ReconnectingVisitor(cluster.config.public_url)
    await visitor.connect()
    try:
        assert texts(await visitor.ask(PROTOCOL))
        holder = _port(socket_upstream(cluster.config.public_url))
        index = cluster.config.rasa_ports.index(holder)
        killed_at = time.monotonic()
        cluster.kill_rasa(index)
        await asyncio.wait_for(visitor.disconnected.wait(), timeout=15)
        assert await visitor.confirmed() == visitor.token  # same conversation, through the balancer
        reconnected = time.monotonic() - killed_at
        answer = await visitor.ask(DELETE)
        answered = time.monotonic() - killed_at
        print(f"\nfailover: reconnected {reconnected:.2f}s, next message answered {answered:.2f}s "
              f"after the SIGKILL")
        assert texts(answer)
        survivor = _port(socket_upstream(cluster.config.public_url))
        assert survivor != holder
        state = assert_every_event_once(cluster, visitor.conversation_id)
        got = turns(state)
        assert [text for text, _ in got] == [PROTOCOL, DELETE]
        assert "utter_delete_imap" in got[1][1], got
    finally:
        await visitor.close()
    # a reload: a new socket with the same token finds the same conversation
    reload = ReconnectingVisitor(cluster.config.public_url)
    assert await reload.connect(visitor.token) == visitor.token
    await reload.close()


# ---------------------------------------------------------------- 6. store faults

@pytest.mark.asyncio
async def test_postgres_down_for_10s_polite_answer_then_resumes(cluster: Cluster) -> None:
    """Messages during the outage (REST and widget) get "riprova tra poco"; nobody crashes; resumes."""
    alive_before = _alive(cluster)
    sender = _sender("pgdown")
    await asyncio.to_thread(rest, cluster.config.public_url, sender, PROTOCOL)
    visitor = ReconnectingVisitor(cluster.config.public_url)
    await visitor.connect()
    await asyncio.to_thread(cluster.postgres.stop)
    down_at = time.monotonic()
    try:
        answers = [(await asyncio.to_thread(rest, cluster.config.public_url, sender, DELETE))[1]
                   for _ in range(2)]
        assert all(SORRY in " ".join(texts(a)) for a in answers), answers
        widget_answer = texts(await visitor.ask(DELETE))
        assert len(widget_answer) == 1 and SORRY in widget_answer[0], widget_answer
        await asyncio.sleep(max(0.0, 10 - (time.monotonic() - down_at)))
        assert _alive(cluster) == alive_before
    finally:
        await visitor.close()
        # From the main thread: a server started by a worker thread gets SIGTERM when that
        # thread ends (supervisor.require_main_thread).
        cluster.postgres.start()
    resumed = await asyncio.to_thread(_first_real_answer, cluster, sender, DELETE)
    print(f"\nPostgreSQL back: service answered normally after {resumed:.2f}s")
    got = turns(tracker(cluster, sender))
    assert got[0][0] == PROTOCOL and got[-1][0] == DELETE and "utter_delete_imap" in got[-1][1], got
    assert [t for t, _ in got] == [PROTOCOL, DELETE], got  # nothing of the outage was stored
    assert_every_event_once(cluster, sender)
    assert _alive(cluster) == alive_before


def test_redis_down_polite_answer_then_resumes(cluster: Cluster) -> None:
    """Without Redis there is no lock: messages get "riprova tra poco" (never unlocked handling)."""
    alive_before = _alive(cluster)
    sender = _sender("redisdown")
    rest(cluster.config.public_url, sender, PROTOCOL)
    cluster.redis.stop()
    try:
        answer = rest(cluster.config.public_url, sender, DELETE)[1]
        assert SORRY in " ".join(texts(answer)), answer
        assert _alive(cluster) == alive_before
    finally:
        cluster.redis.start()
    resumed = _first_real_answer(cluster, sender, DELETE)
    print(f"\nRedis back: service answered normally after {resumed:.2f}s")
    assert _alive(cluster) == alive_before


def _first_real_answer(cluster: Cluster, sender: str, text: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        answer = texts(rest(cluster.config.public_url, sender, text)[1])
        if answer and SORRY not in " ".join(answer):
            return time.monotonic() - started
        time.sleep(1)
    raise AssertionError(f"no normal answer {timeout}s after the store came back")


# ---------------------------------------------------------------- 5. full restart

@pytest.mark.asyncio
async def test_full_restart_keeps_widget_conversation_and_paused_ticket(cluster: Cluster) -> None:
    """Stop everything, start again: the widget conversation and a ticket paused for an agent go on."""
    customer, waiting = (ReconnectingVisitor(cluster.config.public_url) for _ in range(2))
    await customer.connect()
    await waiting.connect()
    assert texts(await customer.ask(PROTOCOL))
    said = texts(await waiting.ask(HANDOVER))
    try:
        eventually(lambda: tracker(cluster, waiting.conversation_id)["paused"] is True,
                   f"the handover did not pause the conversation; the bot said {said}")
    except AssertionError as failure:
        raise AssertionError(f"{failure}\naction servers:\n{log_tails(cluster)}") from None
    await customer.close()
    await waiting.close()

    cluster.stop()
    started = time.monotonic()
    cluster.start()
    print(f"\nfull restart: cluster up again after {time.monotonic() - started:.0f}s")

    again = ReconnectingVisitor(cluster.config.public_url)
    assert await again.connect(customer.token) == customer.token
    try:
        assert texts(await again.ask(DELETE))
        got = turns(assert_every_event_once(cluster, customer.conversation_id))
        assert [t for t, _ in got] == [PROTOCOL, DELETE] and "utter_delete_imap" in got[1][1], got
    finally:
        await again.close()

    paused = ReconnectingVisitor(cluster.config.public_url)
    assert await paused.connect(waiting.token) == waiting.token
    try:
        rows = cluster.postgres.query(
            "SELECT reference, status FROM escalation_tickets WHERE conversation_id = %s",
            (waiting.conversation_id,), db="tickets")
        assert len(rows) == 1 and rows[0][1] == "open", rows
        await paused.send("ci siete?")
        assert texts(await paused.collect(first_timeout=5)) == []  # paused: the bot stays silent
        def latest_is_ours() -> Optional[Dict[str, Any]]:
            state = tracker(cluster, waiting.conversation_id)
            return state if turns(state)[-1][0] == "ci siete?" else None

        state = eventually(latest_is_ours, "the message sent while paused is not in the tracker")
        assert state["paused"] is True
        client = RasaClient(cluster.config.public_url, cluster.auth_token)
        try:
            await client.push_to_widget(waiting.conversation_id, "Eccomi, sono Marco.", "Marco")
            assert texts(await paused.collect(first_timeout=15, quiet=0.5)) == ["Eccomi, sono Marco."]
            await client.resume_bot(waiting.conversation_id, "Marco")
            assert texts(await paused.collect(first_timeout=15, quiet=0.5)) == [RESUMED_TEXT]
        finally:
            await client.close()
        assert texts(await paused.ask(PROTOCOL))
        assert_every_event_once(cluster, waiting.conversation_id)
    finally:
        await paused.close()


