from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).parent.parent / "manifest.yml"


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_manifest_declares_the_slash_command_with_a_usage_hint() -> None:
    (command,) = _manifest()["features"]["slash_commands"]
    assert command["command"] == "/run-workflow"
    assert command["url"].endswith("/slack/events")
    assert command["description"]
    assert command["usage_hint"]


def test_interactivity_and_option_loads_go_to_slack_events() -> None:
    interactivity = _manifest()["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"].endswith("/slack/events")
    assert interactivity["message_menu_options_url"].endswith("/slack/events")


def test_only_the_scopes_the_bot_uses_are_requested() -> None:
    scopes = _manifest()["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == [
        "chat:write",
        "chat:write.public",
        "commands",
        "im:write",
        "usergroups:read",
    ]
