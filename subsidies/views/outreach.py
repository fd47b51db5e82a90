"""Pages: outreach. Filled by its helper."""

urlpatterns: list = []
