import pytest
from cryptography.fernet import Fernet

from bot.errors import SealedValuesUnreadable, SealingKeyInvalid
from bot.sealing import check_key, open_sealed, seal

VALUES = {"vendor": "Acme", "new_token": "tok-secret-11", "limits": {"per_day": 3}}


def test_sealed_values_open_again_with_the_same_key() -> None:
    key = Fernet.generate_key().decode()
    token = seal(VALUES, key)
    assert "tok-secret-11" not in token
    assert open_sealed(token, key) == VALUES


def test_another_key_cannot_open_them() -> None:
    token = seal(VALUES, Fernet.generate_key().decode())
    with pytest.raises(SealedValuesUnreadable):
        open_sealed(token, Fernet.generate_key().decode())


def test_a_tampered_token_cannot_be_opened() -> None:
    key = Fernet.generate_key().decode()
    token = seal(VALUES, key)
    with pytest.raises(SealedValuesUnreadable):
        open_sealed(token[:-4] + "AAAA", key)


def test_a_malformed_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(SealingKeyInvalid) as caught:
        check_key("short-key-4f1a")
    assert "short-key-4f1a" not in str(caught.value)
