"""What a modal carries in `private_metadata`: a submission has no channel of its own."""

from __future__ import annotations

import json
from dataclasses import dataclass

# Slack caps private_metadata at 3,000 characters.
PRIVATE_METADATA_CHARS = 3000


@dataclass(frozen=True)
class ModalMetadata:
    """The channel where the command was typed and the command's response URL."""

    channel_id: str
    response_url: str | None = None

    def encode(self) -> str:
        """Compact JSON; a response URL that would not fit is dropped, never the channel."""
        fields: dict[str, str] = {"c": self.channel_id}
        if self.response_url is not None:
            fields["r"] = self.response_url
        text = json.dumps(fields, separators=(",", ":"))
        if len(text) > PRIVATE_METADATA_CHARS:
            return json.dumps({"c": self.channel_id}, separators=(",", ":"))
        return text

    @classmethod
    def decode(cls, text: str | None) -> ModalMetadata | None:
        """Read metadata back; anything malformed gives `None` rather than an exception."""
        try:
            data = json.loads(text or "")
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None

        response_url = data.get("r")
        return cls(
            channel_id=data["c"],
            response_url=response_url if isinstance(response_url, str) else None,
        )
