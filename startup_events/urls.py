
app_name = "startup_events"

urlpatterns: list = []
