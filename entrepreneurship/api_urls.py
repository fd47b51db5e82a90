from entrepreneurship.api import urlpatterns

__all__ = ["urlpatterns"]
