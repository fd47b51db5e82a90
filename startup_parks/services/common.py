"""What every parks service needs: permission and area checks, references, and the safe upload check."""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.casework.rules import SNIFF_BYTES, file_type_sniff, reference_new
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError, NotFoundError
from startup_parks.selectors import park_scope

REFERENCE_ATTEMPTS = 5


def require_staff_perm(actor, perm: str) -> None:
    if actor is None or not actor.is_authenticated or actor.is_applicant or not actor.has_perm(perm):
        raise ForbiddenError(_("Your role may not do this."))


def require_visible(actor, park) -> None:
    """Act only on a park one may see (NotFound, as if it did not exist, otherwise)."""
    from startup_parks.models import Park

    if not park_scope(Park.objects.filter(pk=park.pk), user=actor).exists():
        raise NotFoundError()


def fresh_ref(model, prefix: str, field: str = "ref") -> str:
    year = timezone.localdate().year
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=prefix, year=year)
        if not model.objects.filter(**{field: ref}).exists():
            return ref
    raise RuntimeError("no free reference")


def safe_name(name: str) -> str:
    """The uploader's file name, kept only as data."""
    name = unicodedata.normalize("NFC", os.path.basename(str(name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or "upload"


def checked_upload(upload) -> tuple[str, int, str]:
    """(content type judged by the bytes, size, sha256) of an evidence file, or ApplicationError: the same limits
    as casework's materials (size, PDF/JPEG/PNG by content, never by name)."""
    size = upload.size or 0
    if size == 0:
        raise ApplicationError(_("The file is empty."), code="file_empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(_("The file is larger than %(mb)d MB.")
                               % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, code="file_too_large")
    upload.seek(0)
    file_type = file_type_sniff(upload.read(SNIFF_BYTES))
    upload.seek(0)
    if file_type is None:
        raise ApplicationError(_("Only PDF, JPEG or PNG files are accepted, and this file is none of them."),
                               code="file_type")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return file_type.content_type, size, digest.hexdigest()
