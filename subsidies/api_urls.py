from subsidies.api import claims, notices, outreach, payments, roster

urlpatterns = [*claims.urlpatterns, *roster.urlpatterns, *notices.urlpatterns, *payments.urlpatterns,
               *outreach.urlpatterns]
