"""Materials: uploads checked by content, 容缺 supplements, and audited downloads."""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import (
    Attachment,
    Case,
    CaseStatus,
    CaseTransition,
    MissingMaterial,
)
from guangyuan_jobs.casework.rules import SNIFF_BYTES, file_type_sniff, material_upload_refusal
from guangyuan_jobs.casework.selectors import actor_view, case_visible, kind_for
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, NotFoundError

SUPPLEMENT_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.REVIEWED)


def _visible_case(*, case: Case, actor) -> Case:
    current = Case.objects.filter(pk=case.pk).first()
    if current is None or actor is None or not case_visible(user=actor, case=current):
        raise NotFoundError()
    return current


def _safe_name(name: str) -> str:
    """The uploader's file name, kept only as data (shown, and given back on download)."""
    name = unicodedata.normalize("NFC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or "upload"


def _check_upload(uploaded_file):
    size = uploaded_file.size or 0
    if size == 0:
        raise ApplicationError(_("The file is empty."), code="file_empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(
            gettext("The file is larger than %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    file_type = file_type_sniff(head)
    if file_type is None:
        # Judged by the bytes, not the name: a program renamed to .pdf is refused here.
        raise ApplicationError(_("Only PDF, JPEG or PNG files are accepted, and this file is none of them."),
                               code="file_type")
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return file_type, size, digest.hexdigest()


@transaction.atomic
def attachment_add(*, case: Case, material_code: str, uploaded_file, actor) -> Attachment:
    """Store an uploaded material under a server-made name, with its type judged by content and its sha256.
    The applicant (or a counter clerk in the case's area) may add materials until the case is closed."""
    current = _visible_case(case=case, actor=actor)
    refusal = material_upload_refusal(actor=actor_view(user=actor, case=current, in_scope=True),
                                      status=current.status)
    if refusal is not None:
        raise refusal
    kind = kind_for(current)
    codes = {m.code for m in kind.materials} if kind else set()
    codes |= set(current.missing_materials.filter(supplied_at__isnull=True).values_list("material_code", flat=True))
    material_code = (material_code or "").strip()
    if material_code not in codes:
        raise ApplicationError(_("Choose which material this file is."), code="material_unknown")
    file_type, size, sha256 = _check_upload(uploaded_file)
    attachment = Attachment(case=current, material_code=material_code, original_name=_safe_name(uploaded_file.name),
                            content_type=file_type.content_type, size=size, sha256=sha256, uploaded_by=actor)
    # The storage name comes from attachment_path (a random name); the uploader's name is never used for it.
    attachment.file.save("upload", uploaded_file, save=False)
    attachment.save()
    audit_log(actor=actor, event_type="case.attachment_add", obj=current,
              details={"attachment": attachment.pk, "material": material_code, "size": size, "sha256": sha256,
                       "content_type": file_type.content_type})
    return attachment


@transaction.atomic
def material_supplement(*, case: Case, material_code: str, file, actor) -> MissingMaterial:
    """容缺: the applicant uploads a material the case was accepted without; approval waits for all of them."""
    current = _visible_case(case=case, actor=actor)
    missing = (MissingMaterial.objects.select_for_update()
               .filter(case=current, material_code=(material_code or "").strip(), supplied_at__isnull=True).first())
    if missing is None:
        raise ApplicationError(_("Nothing is missing under this material."), code="nothing_missing")
    if current.status not in SUPPLEMENT_STATUSES:
        raise ApplicationError(_("This case no longer takes missing materials."), code="case_closed")
    attachment = attachment_add(case=current, material_code=missing.material_code, uploaded_file=file, actor=actor)
    # A new version: what may be done with the case changed (approval may now be possible), and a lapse
    # decided on the old state can no longer apply.
    moved = Case.objects.filter(pk=current.pk, status=current.status, version=current.version).update(
        version=F("version") + 1)
    if moved != 1:
        raise ConflictError(_("This case changed meanwhile. Reload the page and try again."), code="stale")
    missing.supplied_at = timezone.now()
    missing.attachment = attachment
    missing.save(update_fields=["supplied_at", "attachment"])
    CaseTransition.objects.create(case=current, action="supplement", from_status=current.status,
                                  to_status=current.status, actor=actor, comment=missing.label)
    still_missing = current.missing_materials.filter(supplied_at__isnull=True).count()
    audit_log(actor=actor, event_type="case.material_supplied", obj=current,
              details={"material": missing.material_code, "attachment": attachment.pk,
                       "still_missing": still_missing})
    return missing


@transaction.atomic
def attachment_download(*, case: Case, attachment_id: int, actor) -> Attachment:
    """The attachment for a user who may see the case; every download is audited."""
    current = _visible_case(case=case, actor=actor)
    attachment = Attachment.objects.filter(case=current, pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError()
    audit_log(actor=actor, event_type="case.attachment_download", obj=current,
              details={"attachment": attachment.pk, "material": attachment.material_code,
                       "sha256": attachment.sha256})
    return attachment
