from django.shortcuts import redirect
from django.urls import path

from training.views import classes, draws, packages

app_name = "training"

urlpatterns = [
    path("", lambda request: redirect("training:package_list"), name="home"),
    *draws.urlpatterns, *packages.urlpatterns, *classes.urlpatterns,
]
