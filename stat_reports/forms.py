from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.registry.selectors import CITY_CODE, city_regions
from stat_reports.definitions import FORMS

WHOLE_CITY = "all"


class StatFormChoiceForm(forms.Form):
    form = forms.ChoiceField(label=_("Form"))
    year = forms.IntegerField(label=_("Year"), min_value=2019, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    region = forms.ChoiceField(label=_("Area"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [(code, form.title) for code, form in FORMS.items()]
        self.fields["region"].choices = self._areas(user)
        today = timezone.localdate()
        self.fields["year"].initial, self.fields["month"].initial = today.year, today.month

    @staticmethod
    def _areas(user: User) -> list[tuple[str, str]]:
        if user.scope == User.Scope.DISTRICT and user.scope_region_id:
            return [(user.scope_region_id, user.scope_region.name)]
        if user.scope == User.Scope.CITY_LEVEL:
            return [(CITY_CODE, _("City level (市本级)"))]
        areas = city_regions().exclude(pk=CITY_CODE).order_by("pk")
        return [(WHOLE_CITY, _("Whole city")), (CITY_CODE, _("City level (市本级)")),
                *((area.pk, area.name) for area in areas)]

    def region_code(self) -> str | None:
        region = self.cleaned_data["region"]
        return None if region == WHOLE_CITY else region
