from django.apps import AppConfig


class PriorityGroupsConfig(AppConfig):
    name = "priority_groups"
