"""The policy file format (version 1) as frozen pydantic models.

These models are the single source of truth for the language: the loader
validates YAML against them (errors come back at ``file:line:col``), the
JSON Schema in ``schemas/policy.schema.json`` is generated from them, and
the compiler reads them. Shorthands (``deny: "reason"``, ``allow: true``,
``on: tool:pre``) are normalised here, so later phases see one shape only;
``on:`` is resolved to canonical event names (aliases and globs expanded),
with the spelling the author wrote kept in :attr:`Rule.on_written`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hookgate.policy.fields import (
    NAME_PATTERN,
    RULE_ID_PATTERN,
    DetectorName,
    Duration,
    EventSelectors,
    IncludePaths,
    NonEmptyStr,
    Re2Pattern,
    ToolNames,
    list_of,
)

__all__ = [
    "EFFECT_KEYS",
    "AllowEffect",
    "AskEffect",
    "DenyEffect",
    "EffectName",
    "InjectEffect",
    "Layer",
    "ModifyEffect",
    "PolicyFile",
    "PolicySettings",
    "RedactOp",
    "ReplaceOp",
    "Rule",
    "Severity",
]

Layer = Literal["org", "team", "project"]
Severity = Literal["info", "low", "medium", "high", "critical"]
EffectName = Literal["deny", "ask", "modify", "inject", "allow"]
#: effect keys, strictest first (the order effects combine in)
EFFECT_KEYS: tuple[EffectName, ...] = ("deny", "ask", "modify", "inject", "allow")
DEFAULT_ASK_TIMEOUT = 300.0


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    #: JSON Schemas of the shorthand spellings (merged into the schema as ``anyOf``)
    shorthand_schemas: ClassVar[tuple[dict[str, Any], ...]] = ()


def _shorthand(data: Any, key: str, effect: str) -> Any:
    """``effect: "text"`` means ``effect: {key: "text"}``."""
    if isinstance(data, str):
        return {key: data}
    if data is None:
        raise PydanticCustomError("missing_value", f"`{effect}` needs a value")
    return data


# -- effects -----------------------------------------------------------------


class DenyEffect(_Model):
    """Block the action. The reason is shown to the agent and recorded."""

    shorthand_schemas = ({"type": "string", "minLength": 1},)
    reason: NonEmptyStr
    user_message: NonEmptyStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return _shorthand(data, "reason", "deny")


class AskEffect(_Model):
    """Ask a human; every prompt resolves (``timeout`` then ``default``)."""

    shorthand_schemas = ({"type": "string", "minLength": 1},)
    prompt: NonEmptyStr
    options: Annotated[tuple[NonEmptyStr, ...], BeforeValidator(list_of("answer options"))] | None = Field(
        default=None, min_length=1
    )
    timeout: Duration = DEFAULT_ASK_TIMEOUT
    default: Literal["allow", "deny"] = "deny"
    reason: NonEmptyStr | None = None
    risk: Literal["low", "medium", "high", "critical"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return _shorthand(data, "prompt", "ask")


class ReplaceOp(_Model):
    """Rewrite the text at ``field``: every RE2 ``regex`` match becomes ``with``."""

    field: NonEmptyStr
    regex: Re2Pattern
    with_: Annotated[str, Field(alias="with")]


class RedactOp(_Model):
    """Replace secrets found by ``detectors`` in ``fields`` with ``replacement``."""

    fields: Annotated[tuple[NonEmptyStr, ...], BeforeValidator(list_of("field paths"))] = Field(min_length=1)
    detectors: Annotated[tuple[DetectorName, ...], BeforeValidator(list_of("detector names"))] = Field(
        default=("all",), min_length=1
    )
    replacement: str = "[REDACTED:{detector}]"


class ModifyEffect(_Model):
    """Rewrite the event data; modify rules chain layer by layer (the lowest first), then in ``priority`` order."""

    set: dict[str, Any] = Field(default_factory=dict)
    remove: Annotated[tuple[NonEmptyStr, ...], BeforeValidator(list_of("field paths"))] = ()
    replace: Annotated[tuple[ReplaceOp, ...], BeforeValidator(list_of("replacements"))] = ()
    redact: RedactOp | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ModifyEffect:
        if not (self.set or self.remove or self.replace or self.redact):
            raise PydanticCustomError(
                "empty_modify", "`modify` needs at least one of `set`, `remove`, `replace`, `redact`"
            )
        return self


class InjectEffect(_Model):
    """Add text to the agent's context."""

    shorthand_schemas = ({"type": "string", "minLength": 1},)
    text: NonEmptyStr
    role: Literal["system", "user", "assistant"] = "system"
    ephemeral: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return _shorthand(data, "text", "inject")


class AllowEffect(_Model):
    """Explicitly allow (recorded). Never overrides a deny or ask from another rule."""

    shorthand_schemas = ({"const": True}, {"type": "string", "minLength": 1})
    reason: NonEmptyStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        if data is True:
            return {}
        if data is False:
            raise PydanticCustomError("bad_allow", "`allow: false` is not an effect; remove the rule or write `deny`")
        return _shorthand(data, "reason", "allow")


# -- rules -------------------------------------------------------------------------


class Rule(_Model):
    """One rule: which events and tools it selects, when it matches, what it does."""

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN, max_length=128)]
    description: NonEmptyStr | None = None
    severity: Severity = "medium"
    tags: Annotated[tuple[NonEmptyStr, ...], BeforeValidator(list_of("tags"))] = ()
    on: EventSelectors = ("tool:pre",)
    tool: ToolNames | None = None
    when: dict[str, Any] | None = None
    unless: dict[str, Any] | None = None
    priority: StrictInt = 0
    audit: StrictBool = False
    on_unknown: Literal["match", "ignore"] | None = None
    deny: DenyEffect | None = None
    ask: AskEffect | None = None
    modify: ModifyEffect | None = None
    inject: InjectEffect | None = None
    allow: AllowEffect | None = None

    _on_written: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("id", mode="before")
    @classmethod
    def _check_id(cls, rid: Any) -> Any:
        if isinstance(rid, str) and not _matches(RULE_ID_PATTERN, rid):
            raise PydanticCustomError(
                "bad_rule_id", f"rule id `{rid}` must start with a letter or digit and use only letters, digits, "
                "`.`, `_` and `-`"
            )
        return rid

    @field_validator(*EFFECT_KEYS, mode="before")
    @classmethod
    def _effect_not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            raise PydanticCustomError("missing_value", f"`{info.field_name}` needs a value")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _keep_spelling(cls, data: Any, handler: Any) -> Any:
        rule = handler(data)
        written = data.get("on") if isinstance(data, dict) else None
        if isinstance(written, str):
            rule._on_written = (written,)
        elif isinstance(written, list | tuple):
            rule._on_written = tuple(str(w) for w in written)
        return rule

    @model_validator(mode="after")
    def _one_effect(self) -> Rule:
        present = self.effects_present
        if len(present) != 1:
            raise PydanticCustomError("effect_count", _effect_count_message(present))
        return self

    @property
    def effects_present(self) -> tuple[EffectName, ...]:
        return tuple(k for k in EFFECT_KEYS if getattr(self, k) is not None)

    @property
    def effect(self) -> EffectName:
        """The rule's one effect key (the first present: validation ensures there is one)."""
        for key in EFFECT_KEYS:  # no tuple per call: the compiler asks once per rule, 10,000 rules
            if getattr(self, key) is not None:
                return key
        raise AssertionError("a validated rule has one effect")

    @property
    def effect_spec(self) -> DenyEffect | AskEffect | ModifyEffect | InjectEffect | AllowEffect:
        spec: DenyEffect | AskEffect | ModifyEffect | InjectEffect | AllowEffect = getattr(self, self.effect)
        return spec

    @property
    def on_written(self) -> tuple[str, ...]:
        """``on:`` as the author spelled it (empty when omitted, i.e. the default ``tool:pre``)."""
        return self._on_written

    @property
    def unknown_matches(self) -> bool:
        """Whether an UNKNOWN matcher outcome counts as a match (fail closed for deny/ask)."""
        if self.on_unknown is not None:
            return self.on_unknown == "match"
        return self.effect in ("deny", "ask")


def _matches(pattern: str, value: str) -> bool:
    import re

    return re.fullmatch(pattern.strip("^$"), value) is not None


def _effect_count_message(present: tuple[str, ...]) -> str:
    if not present:
        return "rule has no effect; add exactly one of `deny`, `ask`, `modify`, `inject`, `allow`"
    shown = ", ".join(f"`{k}`" for k in present)
    return f"rule has {len(present)} effects ({shown}); a rule has exactly one, split it into several rules"


# -- the file ----------------------------------------------------------------------------


class PolicySettings(_Model):
    """Settings that apply to the whole policy set (merged across files, tightening only)."""

    workspace: NonEmptyStr | None = None
    on_ask: Literal["ask", "deny"] | None = None

    @property
    def asks_become_denies(self) -> bool:
        return self.on_ask == "deny"


class PolicyFile(_Model):
    """One policy file."""

    version: Literal[1]
    policy: Annotated[str, Field(pattern=NAME_PATTERN, max_length=128)]
    description: NonEmptyStr | None = None
    owner: NonEmptyStr | None = None
    layer: Layer = "project"
    include: IncludePaths = ()
    settings: PolicySettings = PolicySettings()
    lists: dict[str, Annotated[tuple[NonEmptyStr, ...], BeforeValidator(list_of("strings"))]] = Field(
        default_factory=dict
    )
    rules: Annotated[tuple[Rule, ...], BeforeValidator(list_of("rules"))] = ()

    @field_validator("version", mode="before")
    @classmethod
    def _check_version(cls, version: Any) -> Any:
        if version != 1 or isinstance(version, bool):
            raise PydanticCustomError(
                "bad_version", f"unsupported policy version `{version}`; this hookgate reads `version: 1`"
            )
        return version

    @field_validator("policy", mode="before")
    @classmethod
    def _check_name(cls, name: Any) -> Any:
        if isinstance(name, str) and not _matches(NAME_PATTERN, name):
            raise PydanticCustomError(
                "bad_policy_name",
                f"policy name `{name}` must start with a lowercase letter or digit and use only lowercase letters, "
                "digits, `.`, `_` and `-`",
            )
        return name
