from pathlib import Path
from typing import Any

import yaml

from bot.oauth import BOT_SCOPES, REDIRECT_PATH

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


def test_installs_come_back_to_the_oauth_redirect_path() -> None:
    (redirect_url,) = _manifest()["oauth_config"]["redirect_urls"]
    assert redirect_url.endswith(REDIRECT_PATH)


def test_the_oauth_flow_asks_for_the_manifests_scopes() -> None:
    assert sorted(BOT_SCOPES) == sorted(_manifest()["oauth_config"]["scopes"]["bot"])


def test_only_the_scopes_the_bot_uses_are_requested() -> None:
    scopes = _manifest()["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == [
        "chat:write",
        "chat:write.public",
        "commands",
        "im:write",
        "usergroups:read",
        "users:read",
    ]


def test_the_home_tab_is_on_and_the_messages_tab_read_only() -> None:
    app_home = _manifest()["features"]["app_home"]
    assert app_home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True,
    }


def test_only_the_home_and_uninstall_events_are_subscribed_and_go_to_slack_events() -> None:
    events = _manifest()["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://workflow-bot.example.com/slack/events"
    assert events["bot_events"] == ["app_home_opened", "app_uninstalled", "tokens_revoked"]
    assert "user_events" not in events
