"""Password hashing for console accounts: scrypt (hashlib, RFC 7914) with a per-password random salt.

Stored form: ``scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>``. The defaults follow OWASP's password storage
cheat sheet for scrypt (N = 2**17, r = 8, p = 1: 128 MiB and ~0.6 s per hash on a 2-core VM), so one guess
costs an attacker with the database the same. The parameters live in each hash, so raising them later still
verifies old hashes; `needs_rehash` says when to store a stronger one (done at the next successful login).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost: CPU/memory cost `n` (a power of two), block size `r`, parallelism `p`."""

    n: int = 2**17
    r: int = 8
    p: int = 1
    dklen: int = 32
    salt_bytes: int = 16

    @property
    def maxmem(self) -> int:
        """OpenSSL's memory ceiling for this cost, with room to spare (scrypt needs 128 * r * n bytes)."""
        return 2 * 128 * self.r * self.n + 2**20


DEFAULT_KDF = KdfParams()


def hash_password(password: str, params: KdfParams = DEFAULT_KDF) -> str:
    """The stored form of `password` (a fresh random salt every time)."""
    salt = secrets.token_bytes(params.salt_bytes)
    key = _scrypt(password, salt, params.n, params.r, params.p, params.dklen)
    return "$".join(("scrypt", str(params.n), str(params.r), str(params.p), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; False for any malformed hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str, params: KdfParams = DEFAULT_KDF) -> bool:
    """True when the stored hash is weaker than `params` (or not ours)."""
    try:
        scheme, n, r, p, _, _ = stored.split("$")
        return scheme != "scrypt" or int(n) < params.n or int(r) < params.r or int(p) < params.p
    except ValueError:
        return True


def burn_time(password: str, params: KdfParams = DEFAULT_KDF) -> None:
    """Spend one hash's time, so a login for an unknown user takes as long as a wrong password."""
    _scrypt(password, b"\0" * params.salt_bytes, params.n, params.r, params.p, params.dklen)


def generate_password() -> str:
    """A random password for the first admin (~96 bits)."""
    return secrets.token_urlsafe(16)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    params = KdfParams(n=n, r=r, p=p, dklen=dklen)
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=params.maxmem, dklen=dklen)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
