"""Pages: notices. Filled by its helper."""

urlpatterns: list = []
