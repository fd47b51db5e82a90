from integrity.views import findings, imports, rules

app_name = "integrity"

urlpatterns = [*findings.urlpatterns, *imports.urlpatterns, *rules.urlpatterns]
