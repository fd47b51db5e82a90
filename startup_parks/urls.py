
app_name = "startup_parks"

urlpatterns: list = []
