from subsidies.views import claims, notices, outreach, payments, roster

app_name = "subsidies"

urlpatterns = [*claims.urlpatterns, *roster.urlpatterns, *notices.urlpatterns, *payments.urlpatterns,
               *outreach.urlpatterns]
