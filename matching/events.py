"""Audit action names (`AuditEvent.action`) written by matching (pushes, SMS, guidance, insurance help): one constant per kind of event."""

MATCHING_GUIDANCE_CREATE = "matching.guidance_create"
MATCHING_INSURANCE_UPDATE = "matching.insurance_update"
MATCHING_PUSH = "matching.push"
MATCHING_PUSH_OUTCOME = "matching.push_outcome"
MATCHING_SMS_RETRY = "matching.sms_retry"
