"""The access policy through the running app: what people see, and what they may run."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.modals import PICKER_BLOCK_ID
from bot.simulator_data import NIGHTLY_SYNC_ID, REVENUE_REPORT_ID
from tests.scenarios.harness import block_ids, chosen, running_world

FINANCE_ONLY = """
[default]
allow = true

[[rule]]
workflows = ["Revenue report", "Quarterly close*"]
users = ["U_ANA"]
channels = ["C_FIN"]
"""


def _policy(tmp_path: Path, text: str = FINANCE_ONLY) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


async def test_the_picker_lists_only_what_the_person_may_run(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await world.command("", user_id="U_BOB", channel_id="C_FIN")
        picker = await world.wait_for_view(lambda view: PICKER_BLOCK_ID in block_ids(view))

        values = [option["value"] for option in picker["blocks"][-1]["elements"][0]["options"]]
        assert NIGHTLY_SYNC_ID in values
        assert REVENUE_REPORT_ID not in values


async def test_a_forbidden_workflow_is_refused_plainly_by_name_and_by_id(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        for text in ("Revenue report", REVENUE_REPORT_ID):
            world.slack.views.clear()
            await world.command(text, user_id="U_BOB", channel_id="C_FIN")
            view = await world.wait_for_view(lambda view: "permission" in str(view["blocks"]))
            assert "You don't have permission to run this workflow here." in str(view["blocks"])
            assert "U_ANA" not in json.dumps(view)
        assert world.runs_dispatched() == []


async def test_the_right_person_in_the_wrong_channel_is_refused(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await world.command("Revenue report", user_id="U_ANA", channel_id="C_GEN")
        await world.wait_for_view(lambda view: "permission" in str(view["blocks"]))


async def test_the_policy_is_checked_again_on_submit(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    async with running_world(tmp_path / "bot.db", policy_file=policy) as world:
        await world.command("Quarterly close checklist", user_id="U_ANA", channel_id="C_FIN")
        form = await world.wait_for_form()

        # An admin tightens the policy while the modal is open.
        policy.write_text(FINANCE_ONLY.replace('users = ["U_ANA"]', 'users = ["U_CFO"]'))
        stat = policy.stat()
        os.utime(policy, (stat.st_atime, stat.st_mtime + 5))

        values = {"/quarter": {"value": chosen(form, "/quarter", "2026-Q4")}}
        response = await world.submit(form, values, user_id="U_ANA")
        answer = json.loads(response.body)
        assert answer["response_action"] == "update"
        assert "permission" in json.dumps(answer["view"])
        assert world.runs_dispatched() == []


async def test_a_tag_rule_tightened_while_the_modal_is_open_applies_on_submit(
    tmp_path: Path,
) -> None:
    policy = _policy(tmp_path, '[[rule]]\ntags = ["finance"]\nusers = ["U_ANA"]\n')
    async with running_world(tmp_path / "bot.db", policy_file=policy) as world:
        await world.command("Quarterly close checklist", user_id="U_ANA", channel_id="C_FIN")
        form = await world.wait_for_form()

        policy.write_text('[[rule]]\ntags = ["finance"]\nusers = ["U_CFO"]\n')
        stat = policy.stat()
        os.utime(policy, (stat.st_atime, stat.st_mtime + 5))

        values = {"/quarter": {"value": chosen(form, "/quarter", "2026-Q4")}}
        answer = json.loads((await world.submit(form, values, user_id="U_ANA")).body)
        assert "permission" in json.dumps(answer["view"])
        assert world.runs_dispatched() == []
