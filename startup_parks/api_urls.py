from startup_parks.api import urlpatterns

__all__ = ["urlpatterns"]
