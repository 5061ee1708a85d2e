"""The stand-in Slack behaves like Slack wherever the bot depends on it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.routing import Route

from tests.scenarios import slack_requests
from tests.scenarios.servers import running_server
from tests.scenarios.slack_standin import SlackStandIn

SECRET = "signing-secret"


def modal(title: str = "Run workflow", **fields: Any) -> dict[str, Any]:
    """A valid modal, built the way the bot builds views."""
    region = [Option(text="EU", value="eu"), Option(text="US", value="us")]
    view = View(
        type="modal",
        callback_id="run",
        private_metadata='{"channel": "C123"}',
        title=title,
        submit="Run",
        close="Cancel",
        blocks=[
            HeaderBlock(text="Nightly report"),
            InputBlock(
                block_id="/region",
                label="Region",
                element=StaticSelectElement(
                    action_id="value", options=region, initial_option=region[0]
                ),
            ),
            InputBlock(
                block_id="/limit",
                label="Limit",
                optional=True,
                element=NumberInputElement(
                    action_id="value", is_decimal_allowed=False, min_value="1", max_value="9"
                ),
            ),
            InputBlock(
                block_id="/dry_run",
                label="Dry run",
                optional=True,
                element=CheckboxesElement(
                    action_id="value", options=[Option(text="Yes", value="true")]
                ),
            ),
            InputBlock(
                block_id="/note",
                label="Note",
                optional=True,
                element=PlainTextInputElement(action_id="value", multiline=True),
            ),
            InputBlock(
                block_id="/market",
                label="Market",
                element=ExternalDataSelectElement(action_id="value", min_query_length=1),
            ),
        ],
    ).to_dict()
    return {**view, **fields}


STATUS_BLOCKS = [
    SectionBlock(text="*Nightly report* is running").to_dict(),
    ActionsBlock(elements=[ButtonElement(text="Open run", url="https://example.test/r")]).to_dict(),
]


@pytest.fixture
def standin() -> SlackStandIn:
    return SlackStandIn()


@pytest.fixture
async def slack_url(standin: SlackStandIn) -> AsyncIterator[str]:
    async with running_server(standin.asgi_app()) as base_url:
        yield base_url


@pytest.fixture
def client(standin: SlackStandIn, slack_url: str) -> AsyncWebClient:
    return AsyncWebClient(token=standin.token, base_url=f"{slack_url}/api/")


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call
    return str(raised.value.response["error"])


async def test_auth_test_names_the_bot_and_checks_the_token(
    standin: SlackStandIn, client: AsyncWebClient, slack_url: str
) -> None:
    answer = await client.auth_test()
    assert (answer["user_id"], answer["bot_id"]) == (standin.bot_user_id, standin.bot_id)

    stranger = AsyncWebClient(token="xoxb-wrong", base_url=f"{slack_url}/api/")
    assert await error_of(stranger.auth_test()) == "invalid_auth"


async def test_views_open_echoes_the_view_with_an_id_and_a_hash(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    answer = await client.views_open(trigger_id=standin.issue_trigger_id(), view=modal())

    view = answer["view"]
    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["callback_id"] == "run"
    assert view["private_metadata"] == '{"channel": "C123"}'
    assert view["state"] == {"values": {}}
    assert view["title"]["text"] == "Run workflow"
    assert standin.views[view["id"]] == view
    assert standin.calls_to("views.open")[0].args["view"]["callback_id"] == "run"


async def test_trigger_id_works_once(standin: SlackStandIn, client: AsyncWebClient) -> None:
    trigger_id = standin.issue_trigger_id()
    await client.views_open(trigger_id=trigger_id, view=modal())

    again = client.views_open(trigger_id=trigger_id, view=modal())
    assert await error_of(again) == "exchanged_trigger_id"


async def test_trigger_id_expires_after_its_ttl(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.trigger_ttl = 0.2
    trigger_id = standin.issue_trigger_id()
    await asyncio.sleep(0.3)

    assert await error_of(client.views_open(trigger_id=trigger_id, view=modal())) == (
        "expired_trigger_id"
    )
    assert await error_of(client.views_open(trigger_id="1.2.abc", view=modal())) == (
        "invalid_trigger_id"
    )
    assert standin.views == {}


async def test_views_update_with_a_stale_hash_is_a_hash_conflict(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    opened = (await client.views_open(trigger_id=standin.issue_trigger_id(), view=modal()))["view"]
    updated = await client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal(title="Nightly report")
    )
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != opened["hash"]
    assert standin.views[opened["id"]]["title"]["text"] == "Nightly report"

    stale = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(client.views_update(view_id="VNOPE", view=modal())) == "not_found"


async def test_views_push_stacks_at_most_three_views(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    root = (await client.views_open(trigger_id=standin.issue_trigger_id(), view=modal()))["view"]
    top = root
    for _ in range(2):
        trigger_id = standin.issue_trigger_id(view_id=top["id"])
        top = (await client.views_push(trigger_id=trigger_id, view=modal()))["view"]
        assert top["root_view_id"] == root["id"]

    fourth = client.views_push(trigger_id=standin.issue_trigger_id(view_id=top["id"]), view=modal())
    assert await error_of(fourth) == "push_limit_reached"


async def test_post_message_then_update_edits_the_same_message(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C123", text="running", blocks=STATUS_BLOCKS)
    second = await client.chat_postMessage(channel="C123", text="another")
    assert posted["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(posted["ts"])

    await client.chat_update(
        channel="C123", ts=posted["ts"], text="succeeded", blocks=STATUS_BLOCKS
    )

    message = standin.messages[("C123", posted["ts"])]
    assert (message["text"], message["edits"]) == ("succeeded", 1)
    assert [block["type"] for block in message["blocks"]] == ["section", "actions"]
    assert len(standin.messages) == 2


async def test_update_with_text_but_no_blocks_removes_the_blocks(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C123", text="running", blocks=STATUS_BLOCKS)

    answer = await client.chat_update(channel="C123", ts=posted["ts"], text="succeeded")

    assert standin.messages[("C123", posted["ts"])]["blocks"] == []
    assert "blocks" not in answer["message"]


async def test_posting_where_the_bot_is_not_a_member_fails(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.not_member_channels.add("CPRIVATE")
    standin.missing_channels.add("CGONE")

    assert await error_of(client.chat_postMessage(channel="CPRIVATE", text="x")) == (
        "not_in_channel"
    )
    assert await error_of(client.chat_postMessage(channel="CGONE", text="x")) == (
        "channel_not_found"
    )
    assert standin.messages == {}


async def test_updating_an_unknown_message_is_message_not_found(client: AsyncWebClient) -> None:
    update = client.chat_update(channel="C123", ts="1700000000.999900", text="done")
    assert await error_of(update) == "message_not_found"


async def test_an_invalid_view_is_refused_and_recorded(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    too_long = modal()
    too_long["title"] = {"type": "plain_text", "text": "A workflow name far too long"}
    trigger_id = standin.issue_trigger_id()

    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=trigger_id, view=too_long)

    assert raised.value.response["error"] == "invalid_arguments"
    assert "/view" in raised.value.response["response_metadata"]["messages"][0]
    assert [problem.method for problem in standin.problems] == ["views.open"]
    assert "title" in standin.problems[0].message
    assert standin.views == {}


async def test_block_kit_rules_beyond_lengths_are_enforced(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    misspelt = modal()
    misspelt["blocks"][2]["optinal"] = misspelt["blocks"][2].pop("optional")
    foreign_initial = modal()
    foreign_initial["blocks"][1]["element"]["initial_option"]["value"] = "mars"
    no_submit = {key: value for key, value in modal().items() if key != "submit"}

    for view in (misspelt, foreign_initial, no_submit):
        opening = client.views_open(trigger_id=standin.issue_trigger_id(), view=view)
        assert await error_of(opening) == "invalid_arguments"
    twice = [SectionBlock(block_id="status", text="running").to_dict()] * 2
    duplicate = client.chat_postMessage(channel="C1", text="x", blocks=twice)
    assert await error_of(duplicate) == "invalid_blocks"

    assert len(standin.problems) == 4
    assert "/view/blocks/2/optinal" in str(standin.problems[0])


async def test_views_and_blocks_sent_as_form_strings_are_decoded(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    form = {"trigger_id": standin.issue_trigger_id(), "view": json.dumps(modal())}
    answer = await client.api_call("views.open", data=form)

    assert answer["view"]["callback_id"] == "run"
    assert standin.calls_to("views.open")[0].args["view"] == modal()
    assert standin.problems == []


async def test_fail_next_answers_once_and_ratelimited_comes_as_429(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C123", text="running")
    standin.fail_next["chat.update"] = "ratelimited"
    standin.fail_next["chat.postMessage"] = "fatal_error"

    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C123", ts=posted["ts"], text="done")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert await error_of(client.chat_postMessage(channel="C123", text="x")) == "fatal_error"

    await client.chat_update(channel="C123", ts=posted["ts"], text="done")
    assert standin.messages[("C123", posted["ts"])]["text"] == "done"


async def test_dm_fallbacks_and_permalinks(standin: SlackStandIn, client: AsyncWebClient) -> None:
    opened = await client.conversations_open(users="U123")
    posted = await client.chat_postMessage(channel="U123", text="could not post in #private")
    ephemeral = await client.chat_postEphemeral(channel="C123", user="U123", text="only you")
    link = await client.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])

    assert opened["channel"]["id"] == posted["channel"]
    assert posted["channel"].startswith("D")
    assert ephemeral["message_ts"] == standin.ephemerals[0]["ts"]
    assert link["permalink"].endswith(posted["ts"].replace(".", ""))
    assert await error_of(client.api_call("chat.unknown", json={})) == "unknown_method"


async def test_http_failures_answer_with_the_status_and_no_json(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.fail_next["chat.postMessage"] = "http_503"

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C123", text="x")

    assert raised.value.response.status_code == 503
    assert standin.messages == {}
    await client.chat_postMessage(channel="C123", text="x")
    assert len(standin.messages) == 1


async def test_fail_repeatedly_fails_that_many_calls_in_a_row(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    standin.fail_repeatedly["chat.postMessage"] = ("http_503", 2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C123", text="x")
        assert raised.value.response.status_code == 503
    await client.chat_postMessage(channel="C123", text="x")

    assert len(standin.messages) == 1
    assert standin.fail_repeatedly == {}


async def test_a_held_call_waits_for_its_gate_and_a_released_one_is_acted_on(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    gate = standin.hold("chat.postMessage")
    posting = asyncio.create_task(client.chat_postMessage(channel="C123", text="late"))
    await standin.wait_for(lambda: gate.held == 1)
    assert len(standin.calls_to("chat.postMessage")) == 1  # recorded on arrival
    assert standin.messages == {}

    gate.release()
    posted = await posting
    assert standin.messages[("C123", posted["ts"])]["text"] == "late"
    await client.chat_postMessage(channel="C123", text="after")  # the gate stays open
    assert len(standin.messages) == 2


async def test_a_dropped_call_leaves_no_trace_in_slack_but_later_calls_pass(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    gate = standin.hold("chat.postMessage")
    posting = asyncio.create_task(client.chat_postMessage(channel="C123", text="lost"))
    await standin.wait_for(lambda: gate.held == 1)

    gate.drop()
    with pytest.raises(SlackApiError) as raised:
        await posting
    assert raised.value.response.status_code == 503
    assert standin.messages == {}
    await client.chat_postMessage(channel="C123", text="after")
    assert len(standin.messages) == 1


async def test_views_publish_keeps_one_home_per_person_guarded_by_its_hash(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = await client.views_publish(user_id="U123", view=home)
    second = await client.views_publish(user_id="U123", view=home, hash=first["view"]["hash"])

    assert first["view"]["id"] == second["view"]["id"]
    assert standin.home_views["U123"]["blocks"][0]["text"]["text"] == "Hi"
    stale = client.views_publish(user_id="U123", view=home, hash="stale.hash")
    assert await error_of(stale) == "hash_conflict"
    modal_view = client.views_publish(user_id="U123", view=modal())
    assert await error_of(modal_view) == "invalid_arguments"


async def test_usergroup_members_are_listed(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.usergroups["S1"] = ["U123", "U234"]

    listed = await client.usergroups_users_list(usergroup="S1")

    assert listed["users"] == ["U123", "U234"]
    assert await error_of(client.usergroups_users_list(usergroup="S9")) == "no_such_subteam"


async def test_response_url_records_what_is_posted(standin: SlackStandIn, slack_url: str) -> None:
    url = standin.response_url(slack_url)

    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"text": "No workflow named nightly"}) as response:
            assert (response.status, await response.text()) == (200, "ok")
        async with session.post(f"{slack_url}/response_url/unknown", json={}) as response:
            assert response.status == 404

    assert standin.response_url_posts == [{"text": "No workflow named nightly"}]


async def test_wait_for_fails_describing_recent_calls(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    await client.chat_postMessage(channel="C123", text="running")

    with pytest.raises(AssertionError, match=r"chat\.postMessage"):
        await standin.wait_for(lambda: bool(standin.calls_to("chat.update")), timeout=0.05)


async def test_running_server_stops_cleanly_with_idle_connections_open(
    standin: SlackStandIn,
) -> None:
    async with aiohttp.ClientSession() as session:
        async with running_server(standin.asgi_app()) as base_url:
            response = await session.post(f"{base_url}/api/auth.test")
            assert (await response.json())["error"] == "not_authed"
            response.release()  # back to the pool: an idle keep-alive connection

        assert asyncio.all_tasks() == {asyncio.current_task()}
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.post(f"{base_url}/api/auth.test")


async def test_running_server_reports_a_failed_startup() -> None:
    @contextlib.asynccontextmanager
    async def failing_lifespan(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield

    with pytest.raises(RuntimeError, match="failed to start"):
        async with running_server(Starlette(lifespan=failing_lifespan)):
            pass


def test_signature_matches_slack_sdk_verifier() -> None:
    request = slack_requests.slash_command(
        SECRET, text="nightly", trigger_id="1.2.3", response_url="http://x/r"
    )
    verifier = SignatureVerifier(SECRET)

    assert verifier.is_valid_request(request.body, request.headers)
    assert request.headers["X-Slack-Signature"] == verifier.generate_signature(
        timestamp=request.headers["X-Slack-Request-Timestamp"], body=request.body.decode()
    )
    assert not SignatureVerifier("other").is_valid_request(request.body, request.headers)
    assert slack_requests.sign(b"x", SECRET, timestamp=1)["X-Slack-Request-Timestamp"] == "1"


async def test_signed_requests_reach_bolt_listeners(
    standin: SlackStandIn, client: AsyncWebClient, slack_url: str
) -> None:
    seen: dict[str, Any] = {}
    app = AsyncApp(client=client, signing_secret=SECRET)

    @app.command("/run-workflow")
    async def on_command(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen["command"] = command
        await client.views_open(trigger_id=command["trigger_id"], view=modal())

    @app.options({"action_id": "value", "block_id": "/market"})
    async def on_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        await ack(options=[{"text": {"type": "plain_text", "text": "Nordics"}, "value": "no"}])
        seen["options"] = payload

    @app.action("open")
    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen["action"] = body

    @app.view("run")
    async def on_submit(ack: AsyncAck, view: dict[str, Any], context: Any) -> None:
        await ack()
        seen["submission"] = (view["state"]["values"], context.user_id, context.team_id)

    bot = Starlette(
        routes=[Route("/slack/events", AsyncSlackRequestHandler(app).handle, methods=["POST"])]
    )
    async with running_server(bot) as bot_url, aiohttp.ClientSession() as session:

        async def send(request: slack_requests.SignedRequest) -> tuple[int, str]:
            url = f"{bot_url}/slack/events"
            async with session.post(url, data=request.body, headers=request.headers) as response:
                return response.status, await response.text()

        command = slack_requests.slash_command(
            SECRET,
            text="nightly",
            trigger_id=standin.issue_trigger_id(),
            response_url=standin.response_url(slack_url),
        )
        assert (await send(command))[0] == 200
        await standin.wait_for(lambda: len(standin.views) == 1)
        view = next(iter(standin.views.values()))

        suggestion = slack_requests.block_suggestion(
            SECRET, view=view, action_id="value", block_id="/market", value="nor"
        )
        status, options = await send(suggestion)
        assert status == 200
        assert json.loads(options)["options"][0]["value"] == "no"

        press = slack_requests.block_actions(
            SECRET,
            view=None,
            action={"action_id": "open", "type": "button"},
            channel_id="C123",
            message_ts="1700000000.000100",
        )
        assert (await send(press))[0] == 200

        values = {"/region": {"value": {"type": "static_select", "selected_option": None}}}
        submission = slack_requests.view_submission(SECRET, view=view, values=values)
        assert (await send(submission))[0] == 200
        await standin.wait_for(lambda: len(seen) == 4)

    assert seen["command"]["text"] == "nightly"
    assert seen["options"]["value"] == "nor"
    assert seen["action"]["container"]["message_ts"] == "1700000000.000100"
    assert seen["submission"] == (values, "U123", "T123")
    assert standin.problems == []
