"""Config models and schemas of the modules a mount plan can configure.

See :mod:`hookgate.mountplan.configs.registry` for how other modules add
their own config schemas (a folder of JSON Schemas keyed by module id, or a
Python entry point in the ``hookgate.module_schemas`` group).
"""

from hookgate.mountplan.configs.hooks_policy import (
    ApprovalConfig,
    DecisionLogConfig,
    DecisionLogHookConfig,
    HooksPolicyConfig,
    parse_duration,
)
from hookgate.mountplan.configs.registry import (
    BUILTIN_CONFIG_MODELS,
    ENTRY_POINT_GROUP,
    ConfigSchema,
    find_config_schema,
)

__all__ = [
    "BUILTIN_CONFIG_MODELS",
    "ENTRY_POINT_GROUP",
    "ApprovalConfig",
    "ConfigSchema",
    "DecisionLogConfig",
    "DecisionLogHookConfig",
    "HooksPolicyConfig",
    "find_config_schema",
    "parse_duration",
]
