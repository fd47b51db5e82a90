"""How the kernel finds what the business apps plug in: a module of a known name in each installed app
(`roles`, `navigation`, `demo`, `indicators`, `jobs`, ...), imported if the app has one."""

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(name: str, *, overrides: dict[str, str] | None = None) -> Iterator[ModuleType]:
    """`<app>.<name>` of every installed app that has one, in INSTALLED_APPS order. `overrides` maps an app
    name to the module to use instead. An import error inside an existing module is not hidden."""
    for config in apps.get_app_configs():
        module_name = (overrides or {}).get(config.name, f"{config.name}.{name}")
        try:
            yield importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
