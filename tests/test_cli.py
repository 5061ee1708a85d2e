import pytest

from bot.cli import main

_NAMES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "LOG_LEVEL")


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(str(tmp_path))  # no .env here
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)


def test_serve_without_slack_settings_stops_with_one_line_naming_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "SLACK_BOT_TOKEN is required" in error
    assert "OAuth & Permissions" in error


def test_socket_without_an_app_token_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["socket"]) == 2
    assert "SLACK_APP_TOKEN is required" in capsys.readouterr().err


def test_a_malformed_log_level_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    assert main(["simulator"]) == 2
    assert "LOG_LEVEL is malformed" in capsys.readouterr().err
