"""Pages: payments. Filled by its helper."""

urlpatterns: list = []
