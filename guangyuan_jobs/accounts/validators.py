from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STAFF_MIN_LENGTH = 12
APPLICANT_MIN_LENGTH = 8


class RoleMinimumLengthValidator:
    """Staff passwords need 12 characters (RELIABILITY.md); applicants 8."""

    def validate(self, password, user=None):
        # Admin-site users and superusers count as staff whatever their kind.
        is_staff = user is not None and (getattr(user, "kind", None) == "staff" or getattr(user, "is_staff", False)
                                         or getattr(user, "is_superuser", False))
        minimum = STAFF_MIN_LENGTH if is_staff else APPLICANT_MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                _("This password is too short. It must contain at least %(min_length)d characters."),
                code="password_too_short", params={"min_length": minimum},
            )

    def get_help_text(self):
        return _("Staff passwords need at least 12 characters; applicants' at least 8.")
