"""Pages: claims. Filled by its helper."""

urlpatterns: list = []
