"""`workflow-bot preview`: the modal's JSON on stdout, a one-line verdict, an honest exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.config import Settings
from bot.models import Workflow
from bot.preview import preview_workflow, run_preview
from bot.simulator import Simulator, SimulatorServer
from bot.simulator_data import VENDOR_PAYOUT, VENDOR_PAYOUT_ID

SCHEMA = {
    "type": "object",
    "required": ["region"],
    "properties": {"region": {"enum": ["eu", "us"]}, "at": {"type": "string", "format": "time"}},
}


def _settings(url: str = "http://127.0.0.1:9/mcp") -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        MARKETCORE_MCP_URL=url,
        MARKETCORE_API_TOKEN=SecretStr("t0ken"),
    )


def _write(tmp_path: Path, data: Any, name: str = "schema.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


async def _preview(source: str, settings: Settings | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await run_preview(settings or _settings(), source, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


async def test_schema_file_prints_a_block_kit_builder_modal_and_a_renderable_verdict(
    tmp_path: Path,
) -> None:
    status, out, err = await _preview(str(_write(tmp_path, SCHEMA)))

    modal = json.loads(out)
    assert status == 0
    assert modal["type"] == "modal"
    assert [block.get("block_id") for block in modal["blocks"]][1:] == ["/region", "/at"]
    assert err == "renderable: 2 inputs in 3 of 100 blocks\n"


async def test_schema_that_cannot_be_shown_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    hostile = {"type": "object", "properties": {"x": {"$ref": "https://evil.example/s.json"}}}

    status, out, err = await _preview(str(_write(tmp_path, hostile)))

    assert status == 1
    assert out == ""
    assert err.startswith("not renderable: The $ref “https://evil.example/s.json”")
    assert err.count("\n") == 1


async def test_unreadable_file_is_named_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    status, _, err = await _preview(str(path))

    assert status == 2
    assert err.startswith(f"workflow-bot preview: {path} is not JSON")


async def test_file_holding_a_whole_workflow_is_previewed_under_its_name(tmp_path: Path) -> None:
    workflow = {"id": "w1", "name": "Spring launch", "inputs": SCHEMA}

    status, out, _ = await _preview(str(_write(tmp_path, workflow)))

    assert status == 0
    assert json.loads(out)["title"]["text"] == "Spring launch"


async def test_workflow_id_is_fetched_from_marketcore() -> None:
    simulator = Simulator(token="t0ken")
    simulator.workflows[VENDOR_PAYOUT_ID] = VENDOR_PAYOUT
    async with SimulatorServer(simulator) as server:
        status, out, err = await _preview(VENDOR_PAYOUT_ID, _settings(server.url))

    assert status == 0
    assert json.loads(out)["title"]["text"] == "Vendor payout"
    assert err.startswith("renderable: ")


async def test_unknown_workflow_id_says_what_marketcore_answered() -> None:
    async with SimulatorServer(Simulator(token="t0ken")) as server:
        status, out, err = await _preview("no-such-workflow", _settings(server.url))

    assert status == 2
    assert out == ""
    assert err.startswith("workflow-bot preview: MarketCore could not give the workflow")


def test_workflow_without_inputs_previews_its_confirmation() -> None:
    preview = preview_workflow(Workflow(id="w", name="Nightly sync", inputs=None))

    assert preview.is_renderable
    assert preview.verdict == "renderable: 0 inputs in 2 of 100 blocks"


def test_preview_is_a_subcommand_of_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here

    status = main(["preview", str(_write(tmp_path, SCHEMA))])

    captured = capsys.readouterr()
    assert status == 0
    assert json.loads(captured.out)["type"] == "modal"
    assert captured.err.startswith("renderable:")
