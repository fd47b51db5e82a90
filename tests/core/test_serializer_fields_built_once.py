"""FieldsBuiltOnce: a ModelSerializer's fields are built from the model once per class, and every instance
still answers exactly as DRF's own building does, with fields of its own."""

import pytest
from rest_framework import serializers

from guangyuan_jobs.core.api import FieldsBuiltOnce
from guangyuan_jobs.registry.models import Region

pytestmark = pytest.mark.django_db


class RegionPlain(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "label"]

    def get_label(self, region) -> str:
        return f"{region.name}（{region.code}）"


class RegionOnce(FieldsBuiltOnce, RegionPlain):
    pass


def test_the_answer_is_drf_s_own_and_each_instance_binds_its_own_fields():
    regions = list(Region.objects.filter(code__in=["510800", "510802"]).order_by("code"))
    assert [RegionOnce(r).data for r in regions] == [RegionPlain(r).data for r in regions]
    assert RegionOnce(regions[1]).data["parent"] == "510800"
    first, second = RegionOnce(regions[0]), RegionOnce(regions[1])
    assert first.fields["label"] is not second.fields["label"]
    assert first.fields["label"].parent is first and second.fields["label"].parent is second
    assert list(first.fields) == list(RegionPlain(regions[0]).fields)
