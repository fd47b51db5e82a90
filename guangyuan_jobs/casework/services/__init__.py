"""Every write to casework. Other apps call these, never the models."""

from guangyuan_jobs.casework.services.attachments import attachment_add, attachment_download, material_supplement
from guangyuan_jobs.casework.services.batches import batch_fail, batch_process, batch_start
from guangyuan_jobs.casework.services.cases import (
    case_create_draft,
    case_lapse_overdue,
    case_submit,
    case_transition,
)

__all__ = [
    "attachment_add",
    "attachment_download",
    "batch_fail",
    "batch_process",
    "batch_start",
    "case_create_draft",
    "case_lapse_overdue",
    "case_submit",
    "case_transition",
    "material_supplement",
]
