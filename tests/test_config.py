from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import load_settings
from bot.errors import ConfigError

_NAMES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "MARKETCORE_MCP_URL",
    "MARKETCORE_API_TOKEN",
    "DATABASE_URL",
    "LOG_LEVEL",
    "ENCRYPTION_KEY",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_match_the_documented_ones() -> None:
    settings = load_settings("offline", env_file=None)
    assert settings.SLACK_API_URL == "https://slack.com/api/"
    assert settings.MARKETCORE_MCP_URL == "http://127.0.0.1:8800/mcp"
    assert settings.DATABASE_URL == "sqlite:///workflow-bot.db"
    assert settings.LOG_LEVEL == "INFO"
    assert settings.database_path == Path("workflow-bot.db")


def test_serve_names_the_first_missing_slack_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is required; find it under"):
        load_settings("serve", env_file=None)

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is required"):
        load_settings("serve", env_file=None)


def test_serve_with_oauth_credentials_needs_no_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")

    settings = load_settings("serve", env_file=None)

    assert settings.oauth_enabled
    assert settings.SLACK_BOT_TOKEN is None


def test_half_an_oauth_setup_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")

    with pytest.raises(ConfigError, match=r"^SLACK_CLIENT_SECRET is required with the other"):
        load_settings("serve", env_file=None)


def test_socket_mode_needs_the_app_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is required"):
        load_settings("socket", env_file=None)


def test_a_malformed_token_is_named_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-very-secret-value")
    with pytest.raises(ConfigError) as caught:
        load_settings("serve", env_file=None)
    assert str(caught.value) == "SLACK_BOT_TOKEN is malformed: must start with xoxb-"
    assert "very-secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_API_URL", "slack.com/api"),
        ("MARKETCORE_MCP_URL", "ftp://x/mcp"),
        ("DATABASE_URL", "mysql://x"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_malformed_settings_stop_with_their_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=rf"^{name} is malformed"):
        load_settings("offline", env_file=None)


def test_slack_api_url_is_normalised_to_end_with_a_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9000/api")
    assert load_settings("offline", env_file=None).SLACK_API_URL == "http://127.0.0.1:9000/api/"


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=abc\n")
    settings = load_settings("serve", env_file=str(env_file))
    assert settings.SLACK_BOT_TOKEN is not None
    assert settings.SLACK_BOT_TOKEN.get_secret_value() == "xoxb-from-file"
    assert "xoxb-from-file" not in repr(settings)


def test_an_encryption_key_must_be_a_fernet_key_and_is_never_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings("offline", env_file=None).ENCRYPTION_KEY is None
    monkeypatch.setenv("ENCRYPTION_KEY", "not-a-key-9d8e7f")
    with pytest.raises(ConfigError, match=r"^ENCRYPTION_KEY is malformed") as caught:
        load_settings("offline", env_file=None)
    assert "not-a-key-9d8e7f" not in str(caught.value)

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("ENCRYPTION_KEY", key)
    settings = load_settings("offline", env_file=None)
    assert settings.ENCRYPTION_KEY is not None
    assert settings.ENCRYPTION_KEY.get_secret_value() == key
