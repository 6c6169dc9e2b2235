"""Server-side sessions: the browser holds only a random session id (HttpOnly cookie); the tokens
stay here. In memory, per process: a restart signs everybody out, and several replicas need
sticky sessions or a shared store (Redis) behind the same interface — see docs/architecture.md.

Sign-ins in progress (state → PKCE verifier, nonce) are kept the same way for a few minutes."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .security import random_token

Clock = Callable[[], float]


@dataclass
class Tokens:
    access_token: str
    refresh_token: str | None
    id_token: str | None
    expires_at: float  # monotonic-free wall clock seconds (time.time)


@dataclass
class Session:
    id: str
    csrf: str
    tokens: Tokens
    claims: dict[str, Any]  # who signed in: from the ID token and the access token
    last_seen: float = 0.0


@dataclass
class PendingLogin:
    verifier: str
    nonce: str
    next_path: str
    created: float


@dataclass
class SessionStore:
    idle_seconds: float = 8 * 3600
    pending_seconds: float = 600
    clock: Clock = time.time
    _sessions: dict[str, Session] = field(default_factory=dict)
    _pending: dict[str, PendingLogin] = field(default_factory=dict)

    # -- sign-ins in progress ------------------------------------------------------------------
    def begin(self, state: str, verifier: str, nonce: str, next_path: str) -> None:
        self._prune()
        self._pending[state] = PendingLogin(verifier, nonce, next_path, self.clock())

    def take_pending(self, state: str | None) -> PendingLogin | None:
        """The sign-in a state belongs to, once only (a replayed callback finds nothing)."""
        if not state:
            return None
        pending = self._pending.pop(state, None)
        if pending is None or self.clock() - pending.created > self.pending_seconds:
            return None
        return pending

    # -- sessions --------------------------------------------------------------------------------
    def create(self, tokens: Tokens, claims: dict[str, Any]) -> Session:
        self._prune()
        session = Session(random_token(), random_token(), tokens, claims, self.clock())
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if self.clock() - session.last_seen > self.idle_seconds:
            self._sessions.pop(session_id, None)
            return None
        session.last_seen = self.clock()
        return session

    def end(self, session_id: str | None) -> Session | None:
        return self._sessions.pop(session_id, None) if session_id else None

    def __len__(self) -> int:
        return len(self._sessions)

    def _prune(self) -> None:
        now = self.clock()
        for sid in [s for s, v in self._sessions.items() if now - v.last_seen > self.idle_seconds]:
            del self._sessions[sid]
        for st in [s for s, v in self._pending.items() if now - v.created > self.pending_seconds]:
            del self._pending[st]
