"""Audit action names (`AuditEvent.action`) written by assistance: one constant per kind of event."""

POLICY_CREATE = "assistance.policy_create"
POLICY_UPDATE = "assistance.policy_update"
RULE_UPDATE = "assistance.rule_update"
ENTITLEMENT_DECLINE = "assistance.entitlement_decline"
ENGINE_START = "assistance.engine_start"
WORKLIST_EXPORT = "assistance.worklist_export"
CASE_CREATE = "assistance.case_create"
CASE_CHECKLIST = "assistance.case_checklist"
DOCUMENT_UPLOAD = "assistance.document_upload"
DOCUMENT_DOWNLOAD = "assistance.document_download"
HELPERS_REASSIGN = "assistance.helpers_reassign"
# one per state a case moves to: assistance.case_submitted, …_under_review, …_approved, …_paid …
CASE_MOVED = {state: f"assistance.case_{state}" for state in (
    "submitted", "under_review", "returned", "approved", "rejected", "paid", "withdrawn")}


def case_moved(state: str) -> str:
    return CASE_MOVED[state]
