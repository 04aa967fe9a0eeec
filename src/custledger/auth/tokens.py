"""Signed JWTs (python-jose, HS256). Decoding pins the algorithm and requires every claim."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import lru_cache

from jose import JWTError, jwt

from custledger.config import Settings
from custledger.kit import clock
from custledger.kit.errors import Unauthorized

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "iss", "aud", "iat", "exp", "jti")
CLOCK_SKEW_SECONDS = 30


def issue(settings: Settings, principal_id: int) -> tuple[str, int]:
    """A token for the principal and its lifetime in seconds."""
    issued = clock.now()
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    claims = {
        "sub": str(principal_id),
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), int(ttl.total_seconds())


def principal_id_of(settings: Settings, token: str) -> int:
    """The principal id a valid token names; 401 for anything else."""
    try:
        subject, not_before, expires = _checked(
            token, settings.secret_key, settings.token_audience, settings.token_issuer
        )
        now = int(clock.now().timestamp())
        if expires <= now:
            raise JWTError("expired")
        if not_before > now + CLOCK_SKEW_SECONDS:
            raise JWTError("not yet valid")
        return subject
    except (JWTError, ValueError, KeyError, TypeError):
        raise Unauthorized(
            "The access token is missing, invalid or expired.",
            type="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


@lru_cache(maxsize=4096)
def _checked(token: str, secret_key: str, audience: str, issuer: str) -> tuple[int, int, int]:
    """Subject, not-before and expiry of a token whose algorithm, signature, audience, issuer
    and claims are right; raises otherwise. A token's signature is checked once per worker
    (what was checked is the cache key); its times are judged on every use."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise JWTError("unexpected algorithm")
    claims = jwt.decode(
        token,
        secret_key,
        algorithms=[ALGORITHM],
        audience=audience,
        issuer=issuer,
        # Times are judged by the caller against the business clock, which tests can pin
        # (jose's require_exp would switch its own wall-clock check back on).
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in claims]
    if missing:
        raise JWTError(f"missing claims: {missing}")
    if not isinstance(claims["sub"], str) or not claims["sub"].isdigit():
        raise JWTError("bad subject")
    return int(claims["sub"]), int(claims.get("nbf", claims["iat"])), int(claims["exp"])
