from bot.metadata import PRIVATE_METADATA_CHARS, ModalMetadata


def test_metadata_round_trips() -> None:
    metadata = ModalMetadata(channel_id="C1", response_url="https://hooks.slack.com/commands/1")
    assert ModalMetadata.decode(metadata.encode()) == metadata


def test_a_response_url_too_long_for_slack_is_dropped_but_the_channel_kept() -> None:
    metadata = ModalMetadata(channel_id="C1", response_url="https://x/" + "a" * 4000)
    encoded = metadata.encode()
    assert len(encoded) <= PRIVATE_METADATA_CHARS
    assert ModalMetadata.decode(encoded) == ModalMetadata(channel_id="C1")


def test_malformed_metadata_decodes_to_none() -> None:
    for text in (None, "", "not json", "[]", '{"r": "x"}', '{"c": 5}'):
        assert ModalMetadata.decode(text) is None
