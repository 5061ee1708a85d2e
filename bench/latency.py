"""Open and submit latency of the product against a bare Bolt app, in alternating batches.

Stand-in Slack and the MarketCore simulator run in this process on loopback; the product
and the floor app each run in a child process. A user types `/run-workflow <id>` (timed
until `views.open` reaches Slack), waits for the form, and submits it (timed until
`run_workflow` reaches MarketCore).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.arrivals import Arrivals
from bench.floor_app import FIELD_ACTION_ID, FIELD_BLOCK_ID, FIXED_MODAL
from bench.processes import child, free_port
from bench.serve import BOT_TOKEN, SIGNING_SECRET
from bot.metadata import ModalMetadata
from bot.modals import RUN_CALLBACK_ID
from bot.simulator import Simulator, SimulatorServer
from bot.simulator_data import CHURN_DIGEST_ID
from tests.scenarios import slack_requests
from tests.scenarios.servers import running_server
from tests.scenarios.slack_standin import SlackCall, SlackStandIn

TARGETS = ("product", "floor")


@dataclass
class Samples:
    """Latencies in seconds, per target and concurrency."""

    open: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    submit: dict[tuple[str, int], list[float]] = field(default_factory=dict)

    def add(self, target: str, users: int, opened: float, submitted: float) -> None:
        self.open.setdefault((target, users), []).append(opened)
        self.submit.setdefault((target, users), []).append(submitted)


@dataclass
class World:
    slack: SlackStandIn
    slack_url: str
    slack_calls: Arrivals
    marketcore_calls: Arrivals
    bot_urls: dict[str, str]
    http: aiohttp.ClientSession


def _slack_key(call: SlackCall) -> Hashable | None:
    if call.method == "views.open":
        return ("open", call.args.get("trigger_id"))
    if call.method == "views.update":
        metadata = ModalMetadata.decode((call.args.get("view") or {}).get("private_metadata"))
        return None if metadata is None else ("update", metadata.channel_id)
    return None


def _marketcore_key(call: tuple[str, dict[str, Any]]) -> Hashable | None:
    tool, arguments = call
    if tool != "run_workflow":
        return None
    return ("run", (arguments.get("input_values") or {}).get("team"))


async def one_user(world: World, target: str, channel: str) -> tuple[float, float]:
    """One person's command and submit; returns (open latency, submit latency)."""
    trigger = world.slack.issue_trigger_id()
    opened = world.slack_calls.expect(("open", trigger))
    form = world.slack_calls.expect(("update", channel)) if target == "product" else None
    command = slack_requests.slash_command(
        SIGNING_SECRET,
        text=CHURN_DIGEST_ID,
        channel_id=channel,
        trigger_id=trigger,
        response_url=world.slack.response_url(world.slack_url),
    )
    sent = time.monotonic()
    await _post(world, target, command)
    open_at, _ = await asyncio.wait_for(opened, 30)

    view = await _form_view(world, form)
    nonce = secrets.token_hex(6)
    dispatched = world.marketcore_calls.expect(("run", nonce))
    submit = slack_requests.view_submission(
        SIGNING_SECRET, view=view, values=_team_value(view, nonce)
    )
    submitted = time.monotonic()
    await _post(world, target, submit)
    run_at, _ = await asyncio.wait_for(dispatched, 30)
    return open_at - sent, run_at - submitted


async def _form_view(
    world: World, form: asyncio.Future[tuple[float, Any]] | None
) -> dict[str, Any]:
    if form is None:  # the floor's modal is fixed: Bolt needs only its id and callback
        return {**FIXED_MODAL, "id": "V" + secrets.token_hex(5).upper()}
    _, call = await asyncio.wait_for(form, 30)
    view = world.slack.views[call.args["view_id"]]
    assert view["callback_id"] == RUN_CALLBACK_ID, view["callback_id"]
    return view


def _team_value(view: dict[str, Any], nonce: str) -> dict[str, dict[str, dict[str, Any]]]:
    action_id = FIELD_ACTION_ID
    for block in view.get("blocks", []):
        if block.get("block_id") == FIELD_BLOCK_ID:
            action_id = block["element"]["action_id"]
    return {FIELD_BLOCK_ID: {action_id: {"type": "plain_text_input", "value": nonce}}}


async def _post(world: World, target: str, request: slack_requests.SignedRequest) -> None:
    url = f"{world.bot_urls[target]}/slack/events"
    async with world.http.post(url, data=request.body, headers=request.headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"{target} answered {response.status}")


async def batch(world: World, target: str, users: int, samples: Samples | None) -> None:
    """`users` people at once; their latencies go to `samples` (None: a warm-up)."""
    tag = secrets.token_hex(3).upper()
    results = await asyncio.gather(
        *(one_user(world, target, f"C{tag}{i:03d}") for i in range(users))
    )
    if samples is not None:
        for opened, submitted in results:
            samples.add(target, users, opened, submitted)


async def measure(levels: dict[int, int], *, run_seconds: float = 3600.0) -> Samples:
    """`levels` maps concurrent users to rounds; each round runs both targets, order swapped.

    Before the counted rounds of a level, one uncounted round of each target warms it up.

    Runs last `run_seconds` in the simulator: by default they outlast the benchmark, so the
    product's tracker keeps polling every run it started, as it would in a busy workspace.
    """
    samples = Samples()
    async with _world(run_seconds) as world:
        for users, rounds in levels.items():
            # One round at each level is not counted: both apps open the connections and
            # sessions that many people need (the product's MCP sessions grow under load).
            for target in TARGETS:
                await batch(world, target, users, None)
            for number in range(rounds):
                order = TARGETS if number % 2 == 0 else TARGETS[::-1]
                for target in order:
                    await batch(world, target, users, samples)
    return samples


@contextlib.asynccontextmanager
async def _world(run_seconds: float) -> AsyncIterator[World]:
    slack = SlackStandIn(token=BOT_TOKEN, trigger_ttl=30.0)
    slack.calls = slack_calls = Arrivals(_slack_key)
    simulator = Simulator(run_seconds=run_seconds)
    simulator.calls = marketcore_calls = Arrivals(_marketcore_key)
    ports = {target: free_port() for target in TARGETS}
    urls = {target: f"http://127.0.0.1:{port}" for target, port in ports.items()}
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            running_server(slack.asgi_app()) as slack_url,
            SimulatorServer(simulator) as marketcore,
            aiohttp.ClientSession() as http,
        ):
            api = f"{slack_url}/api/"
            args = [api, marketcore.url, f"{tmp}/bench.db"]
            async with (
                child(
                    ["bench.serve", "product", str(ports["product"]), *args],
                    urls["product"] + "/healthz",
                ),
                child(
                    ["bench.serve", "floor", str(ports["floor"]), *args], urls["floor"] + "/healthz"
                ),
            ):
                yield World(slack, slack_url, slack_calls, marketcore_calls, urls, http)
