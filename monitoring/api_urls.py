from monitoring.api import urlpatterns

__all__ = ["urlpatterns"]
