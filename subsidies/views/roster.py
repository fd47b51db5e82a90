"""Pages: roster. Filled by its helper."""

urlpatterns: list = []
