from integrity.api import urlpatterns  # noqa: F401 - the app's API, under /api/v1/integrity/
