"""API: claims (/api/v1/subsidies/...). Filled by its helper."""

urlpatterns: list = []
