from priority_groups.api import urlpatterns

__all__ = ["urlpatterns"]
