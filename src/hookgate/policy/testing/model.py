"""The policy test-file format run by ``hookgate test``.

```yaml
policies: [../policies/baseline.yaml]     # relative to this file
tests:
  - name: blocks rm -rf
    event: tool:pre                        # default tool:pre
    tool: bash                             # shorthand for data.tool_name
    input: {command: "rm -rf /"}           # shorthand for data.tool_input
    expect:
      effect: deny                         # deny | ask_user (ask) | modify | inject_context (inject) | allow | continue
      rules: [no-recursive-force-delete]   # exactly these acting rules (order ignored)
      reason_contains: cannot be undone
  - name: pins push prompt
    data: {tool_name: bash, tool_input: {command: "git push"}, cwd: /srv/app}
    expect: {effect: ask_user, prompt: "Push from /srv/app: git push?"}
```
Every key of ``expect`` is optional, but at least one must be given so a
case always asserts something.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["EFFECT_ALIASES", "CaseEnv", "EventSpec", "Expect", "PolicyTestCase", "PolicyTestFile"]

Effect = Literal["deny", "ask_user", "modify", "inject_context", "allow", "continue"]
EFFECT_ALIASES = {"ask": "ask_user", "inject": "inject_context"}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expect(_Strict):
    effect: Effect | None = None
    rules: list[str] | None = None
    data: dict[str, Any] | None = None
    prompt: str | None = None
    reason_contains: str | None = None

    @field_validator("effect", mode="before")
    @classmethod
    def _alias(cls, value: Any) -> Any:
        return EFFECT_ALIASES.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something(self) -> Expect:
        if self.reason_contains == "":
            raise ValueError("`reason_contains: \"\"` is in every reason: it checks nothing")
        if all(getattr(self, name) is None for name in self.model_fields_set):  # null is "not checked"
            raise ValueError("`expect` must check at least one of effect, rules, data, prompt, reason_contains "
                             "(a null checks nothing)")
        return self


class CaseEnv(_Strict):
    """What path matchers resolve against (see ``EvalEnv``)."""

    cwd: str | None = None
    home: str | None = None
    workspace: str | None = None


class EventSpec(_Strict):
    """One event to evaluate (a test case's input, or ``hookgate eval --event`` file)."""

    event: str = "tool:pre"
    data: dict[str, Any] | None = None
    tool: str | None = None
    input: dict[str, Any] | None = None
    env: CaseEnv | None = None

    def event_data(self) -> dict[str, Any]:
        """``data`` with the ``tool``/``input`` shorthands applied."""
        out = dict(self.data or {})
        if self.tool is not None:
            out["tool_name"] = self.tool
        if self.input is not None:
            out["tool_input"] = self.input
        return out


class PolicyTestCase(EventSpec):
    name: str = Field(min_length=1)
    expect: Expect


class PolicyTestFile(_Strict):
    policies: list[str] = Field(min_length=1)
    tests: list[PolicyTestCase] = Field(min_length=1)
