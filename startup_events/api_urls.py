from startup_events.api import urlpatterns

__all__ = ["urlpatterns"]
