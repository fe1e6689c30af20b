"""The amplifier-style string protocol: option strings in, one option string out.

``request_approval(prompt, options, timeout, default) -> str`` only knows
option strings, and a coordinator decides with
:func:`hookgate.kernel.approval.is_grant`. These helpers derive which allow
scopes the options permit, and map the broker's typed response back to an
option so that ``is_grant(answer)`` is True exactly when the response allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from hookgate.approval.models import ApprovalResponse, Scope
from hookgate.kernel.approval import is_grant

__all__ = ["DEFAULT_OPTIONS", "answer_for", "scopes_for_options"]

DEFAULT_OPTIONS: tuple[str, ...] = ("Allow once", "Allow always", "Deny")
_ONCE_PREFERENCE = ("allow once", "allow", "allow always")


def _norm(option: str) -> str:
    return option.strip().lower()


def scopes_for_options(options: Sequence[str]) -> tuple[Scope, ...]:
    """No allow option → nothing may be allowed; "Allow always" among them → persistent too."""
    grants = {_norm(o) for o in options if is_grant(o)}
    if not grants:
        return ()
    return ("once", "session", "persistent") if "allow always" in grants else ("once", "session")


def answer_for(response: ApprovalResponse, options: Sequence[str]) -> str:
    """The option that says what ``response`` decided; a denial never maps to a grant string."""
    by_norm = {_norm(o): o for o in options}
    if response.allowed:
        preference = ("allow always", *_ONCE_PREFERENCE) if response.scope == "persistent" else _ONCE_PREFERENCE
        for wanted in preference:
            if wanted in by_norm:
                return by_norm[wanted]
        return "Allow once"
    if "deny" in by_norm:
        return by_norm["deny"]
    return next((o for o in options if not is_grant(o)), "Deny")
