"""Field-level encryption of ID numbers and bank accounts, with a keyed hash for exact lookup.

The key comes from the environment (FIELD_ENCRYPTION_KEY), never from the database, so a copy of the
database alone does not reveal the numbers.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet_key(raw: str) -> bytes:
    try:
        key = raw.encode()
        Fernet(key)
        return key
    except (ValueError, TypeError):
        # Accept any passphrase by deriving a key from it; a real deployment should use `Fernet.generate_key()`.
        return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


@lru_cache(maxsize=4)
def _cipher(keys: str) -> MultiFernet:
    # Several comma-separated keys allow rotation: the first encrypts, all decrypt.
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty")
    return MultiFernet([Fernet(_fernet_key(k)) for k in parts])


@lru_cache(maxsize=4)
def _lookup_key(field_key: str, lookup_key: str) -> bytes:
    if lookup_key:
        return lookup_key.encode()
    return hashlib.sha256(b"lookup:" + field_key.encode()).digest()


def encrypt_value(plain: str) -> str:
    return _cipher(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt_value(token: str) -> str:
    if not token:
        return ""
    try:
        return _cipher(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("An encrypted field cannot be read with the configured key") from exc


def lookup_hash(plain: str) -> str:
    """HMAC-SHA256 of the normalised value: equal inputs give equal hashes, nothing else leaks."""
    key = _lookup_key(settings.FIELD_ENCRYPTION_KEY, settings.FIELD_LOOKUP_KEY)
    return hmac.new(key, plain.strip().upper().encode(), hashlib.sha256).hexdigest()
