"""What an approver sees: the request with secrets masked and long values folded.

Prompts are shown on screens, shared in chats and scroll into terminal
logs, so a credential inside a tool argument must not appear there: values
under credential-like keys are hidden entirely, and the built-in secret
detectors mask credentials inside any string (the prompt text included).
Long or multi-line values are folded so the question stays readable; the
approval itself is always bound to the full, unfolded arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import re2

from hookgate.approval.models import ApprovalRequest
from hookgate.policy.match.secrets_detectors import KEY_NAME

__all__ = ["fold", "mask_text", "mask_value", "render_arguments", "render_request"]

MASK = "••••••"
_KEY = re2.compile(KEY_NAME)


def mask_text(text: str) -> str:
    """``text`` with every detected credential replaced by ``<name:masked>``."""
    # the policy engine's own scan (loaded with the first prompt): one merge of overlapping hits,
    # the same trailing-boundary and context checks, whatever group a detector keeps its value in
    from hookgate.policy.match.secrets import SHOWN_REPLACEMENT, redact_secrets

    return redact_secrets(text, None, SHOWN_REPLACEMENT)


def mask_value(value: Any, *, key: str | None = None) -> Any:
    """A copy of ``value`` with secret-named keys hidden and detected credentials masked (in keys too,
    and read in context: a value under an ``Authorization`` key, the item after ``-u`` in a list)."""
    from hookgate.policy.match.secrets import SHOWN_REPLACEMENT, mask_secrets_in

    return mask_secrets_in(_hide_named(value, key), None, SHOWN_REPLACEMENT)


def _hide_named(value: Any, key: str | None) -> Any:
    """Values under a credential-named key hidden whole; mappings as dicts, sequences as lists."""
    if key is not None and _KEY.fullmatch(key) and value not in (None, "", {}, []):
        return MASK
    if isinstance(value, Mapping):
        return {k: _hide_named(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_hide_named(v, None) for v in value]
    return value


def fold(text: str, *, width: int = 160, max_lines: int = 6) -> str:
    """At most ``max_lines`` lines of at most ``width`` characters, saying how much was hidden: the
    first lines and the last ones (a tail is where `; git push --force` hides behind blank lines).
    Characters that would reorder or hide text on a screen are shown escaped."""
    lines = _INVISIBLE.sub(_escape, text).split("\n")
    if len(lines) > max_lines:
        tail = max(1, max_lines // 3)
        head = max_lines - tail
        lines = [*lines[:head], f"… ({len(lines) - head - tail} more lines)", *lines[-tail:]]
    return "\n".join(line if len(line) <= width else f"{line[:width]}… (+{len(line) - width} chars)"
                     for line in lines)


#: everything but the line feed that a terminal would act on or hide: controls, other line breaks,
#: bidi overrides and zero-width characters (the request keeps the exact value; this is display only)
_INVISIBLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return {"\t": "\\t", "\r": "\\r"}.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def render_arguments(arguments: Mapping[str, Any], *, width: int = 160, max_lines: int = 6) -> list[str]:
    """One ``name: value`` entry per argument (continuation lines indented and marked), masked and folded."""
    out: list[str] = []
    for key, value in mask_value(dict(arguments)).items():
        text = fold(_as_text(value), width=width, max_lines=max_lines)
        first, *rest = text.split("\n")
        out.append(f"{key}: {first}")
        out.extend(f"    │ {line}" for line in rest)  # marked: a value's line is never taken for the UI's
    return out


def render_request(request: ApprovalRequest, *, width: int = 160) -> list[str]:
    """The lines a terminal (or any text channel) shows before the choices."""
    lines = [fold(mask_text(request.prompt), width=width)] if request.prompt else []
    lines.append(f"tool: {request.tool}")
    lines += [f"  {line}" for line in render_arguments(request.arguments, width=width)]
    if request.rule_id or request.reason:
        rule = f"rule: {request.rule_id or '(unnamed)'}"
        lines.append(f"{rule} — {mask_text(request.reason)}" if request.reason else rule)
    if request.risk:
        lines.append(f"risk: {request.risk}")
    return lines
