"""Ed25519 key pairs of badge codes v2, one per forum, derived from SECRET_KEY (HKDF-SHA256), so no
private key is stored anywhere and each forum's key pair is independent of the others. Desks get the
public key only (32 bytes, base64url), with the roster, and check a code's signature offline."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app


def b64url(data: bytes) -> str:
    """Base64url without padding, as the codes and the desks write bytes."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """The bytes of unpadded base64url text; ValueError if it is not that."""
    if not text or any(c not in _ALPHABET for c in text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@lru_cache(maxsize=256)
def _private_key(secret: str, forum_id: int) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"multaqa.badges", info=f"ed25519.{forum_id}".encode())
    return Ed25519PrivateKey.from_private_bytes(seed.derive(secret.encode()))


@lru_cache(maxsize=256)
def _public_key(secret: str, forum_id: int) -> Ed25519PublicKey:
    return _private_key(secret, forum_id).public_key()


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def sign(forum_id: int, message: bytes) -> bytes:
    """The forum's Ed25519 signature of a message (64 bytes)."""
    return _private_key(_secret(), forum_id).sign(message)


def verify(forum_id: int, message: bytes, signature: bytes) -> bool:
    """Whether the signature is the forum's signature of the message."""
    try:
        _public_key(_secret(), forum_id).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def public_key(forum_id: int) -> str:
    """The forum's public key as desks get it: 32 raw bytes, base64url."""
    return b64url(_public_key(_secret(), forum_id).public_bytes(Encoding.Raw, PublicFormat.Raw))
