from training.api import urlpatterns

__all__ = ["urlpatterns"]
