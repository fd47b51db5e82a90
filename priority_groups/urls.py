from priority_groups.views import people, roster, transfers, work

app_name = "priority_groups"

urlpatterns = [*people.urlpatterns, *work.urlpatterns, *roster.urlpatterns, *transfers.urlpatterns]
