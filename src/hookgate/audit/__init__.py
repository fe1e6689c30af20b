"""The decision log: one masked JSONL record per policy decision, and its summary.

``DecisionLog`` writes (many processes, size rotation), ``read_records``
reads back (rotated files in order, bad lines reported), ``summarize`` and
``render_summary`` power ``hookgate log summary``.
"""

from hookgate.audit.build import ApprovalLike, DecisionLike, record_from_decision
from hookgate.audit.log import DecisionLog, DecisionLogError, backup_path
from hookgate.audit.read import expand_rotated, read_records, rotated_files
from hookgate.audit.record import (
    APPROVAL_OUTCOMES,
    APPROVAL_SCOPES,
    EFFECTS,
    ApprovalRecord,
    DecisionRecord,
    ShadowHit,
    new_decision_id,
    utc_timestamp,
)
from hookgate.audit.render import render_summary
from hookgate.audit.schema import SCHEMA_ID, decision_record_json_schema
from hookgate.audit.summary import Summary, summarize

__all__ = [
    "APPROVAL_OUTCOMES",
    "APPROVAL_SCOPES",
    "EFFECTS",
    "SCHEMA_ID",
    "ApprovalLike",
    "ApprovalRecord",
    "DecisionLike",
    "DecisionLog",
    "DecisionLogError",
    "DecisionRecord",
    "ShadowHit",
    "Summary",
    "backup_path",
    "decision_record_json_schema",
    "expand_rotated",
    "new_decision_id",
    "read_records",
    "record_from_decision",
    "render_summary",
    "rotated_files",
    "summarize",
    "utc_timestamp",
]
