"""Random values of the sign-in and of forms: PKCE pairs (RFC 7636, S256), state, nonce, session
ids and CSRF tokens. Pure functions, no I/O."""

import base64
import hashlib
import hmac
import secrets


def random_token(nbytes: int = 32) -> str:
    """URL-safe, unguessable (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def s256(verifier: str) -> str:
    """The code challenge of a verifier: BASE64URL(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pkce_pair() -> tuple[str, str]:
    """(verifier, challenge): a 43-character verifier (32 random bytes) and its S256 challenge."""
    verifier = random_token(32)
    return verifier, s256(verifier)


def same(expected: str | None, given: str | None) -> bool:
    """Constant-time equality of two secrets; a missing or empty one never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
