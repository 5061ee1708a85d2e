"""Input values sealed with `ENCRYPTION_KEY` (Fernet) while a run waits for approval."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from bot.errors import SealedValuesUnreadable, SealingKeyInvalid


def seal(values: dict[str, Any], key: str) -> str:
    """`values` as JSON, encrypted and authenticated with the Fernet `key`."""
    return _fernet(key).encrypt(json.dumps(values).encode("utf-8")).decode("ascii")


def open_sealed(token: str, key: str) -> dict[str, Any]:
    """The values `seal` sealed; `SealedValuesUnreadable` if the key is not the one used."""
    try:
        opened = json.loads(_fernet(key).decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError, UnicodeError):
        raise SealedValuesUnreadable(
            "the sealed input values cannot be read with this key"
        ) from None
    if not isinstance(opened, dict):
        raise SealedValuesUnreadable("the sealed input values are not an object")
    return opened


def check_key(key: str) -> None:
    """Raise `SealingKeyInvalid` unless `key` is a Fernet key (never echoing it)."""
    _fernet(key)


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeError):
        # The message leaves the key out: it is a secret even when it is malformed.
        raise SealingKeyInvalid("must be a Fernet key (32 url-safe base64 bytes)") from None
