"""Monitoring and the managers' dashboard; filled by its own issue."""

from django.db import models


class DashboardAccess(models.Model):
    """Holds the dashboard's named permission until the monitoring tables land."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can view the managers' dashboard")]
