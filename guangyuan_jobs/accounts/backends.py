"""Django's ModelBackend with a user's permissions read in one query instead of two."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ModelBackendOneQuery(ModelBackend):
    """Every API request and page asks for the user's permissions; ModelBackend reads the user's own and their
    groups' in two queries. The set is the same; only `get_all_permissions` (which `has_perm` uses) changes."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                own = Permission.user_set.through.objects.filter(user_id=user_obj.pk).values("permission_id")
                grouped = Permission.group_set.through.objects.filter(
                    group__in=user_obj.groups.through.objects.filter(user_id=user_obj.pk).values("group_id"),
                ).values("permission_id")
                perms = Permission.objects.filter(Q(pk__in=own) | Q(pk__in=grouped))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in
                                    perms.values_list("content_type__app_label", "codename").order_by()}
        return user_obj._perm_cache
