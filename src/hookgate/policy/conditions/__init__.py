"""Conditions: the ``when``/``unless`` grammar, compiled into three-valued condition trees."""

from hookgate.policy.conditions.compile import COMBINATORS, PATH_FIELDS, SHORTHANDS, compile_condition
from hookgate.policy.conditions.fields import MISSING, FieldPath, parse_field_path
from hookgate.policy.conditions.nodes import ALWAYS, NEVER, AllOf, AnyOf, Cond, Constant, FieldCond, Not
from hookgate.policy.conditions.operators import OPERATORS

__all__ = [
    "ALWAYS",
    "COMBINATORS",
    "MISSING",
    "NEVER",
    "OPERATORS",
    "PATH_FIELDS",
    "SHORTHANDS",
    "AllOf",
    "AnyOf",
    "Cond",
    "Constant",
    "FieldCond",
    "FieldPath",
    "Not",
    "compile_condition",
    "parse_field_path",
]
