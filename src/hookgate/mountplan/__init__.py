"""Mount plans: the model, module sources, config schemas, validation, ``${VAR}`` expansion."""

from hookgate.mountplan.configs import HooksPolicyConfig
from hookgate.mountplan.detect import FileKind, detect_kind
from hookgate.mountplan.envvars import EnvRef, expand_value, find_refs
from hookgate.mountplan.model import ModuleRef, MountPlan, SectionConfig, SessionConfig
from hookgate.mountplan.sources import SourceError, SourceForm, parse_source
from hookgate.mountplan.validate import validate_mount_plan, validate_mount_plan_file

__all__ = [
    "EnvRef",
    "FileKind",
    "HooksPolicyConfig",
    "ModuleRef",
    "MountPlan",
    "SectionConfig",
    "SessionConfig",
    "SourceError",
    "SourceForm",
    "detect_kind",
    "expand_value",
    "find_refs",
    "parse_source",
    "validate_mount_plan",
    "validate_mount_plan_file",
]
