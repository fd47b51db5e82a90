app_name = "priority_groups"

urlpatterns = []
