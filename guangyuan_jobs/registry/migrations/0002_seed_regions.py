"""Sichuan, Guangyuan and its seven districts and counties (GB/T 2260; DOMAIN.md §10.3)."""

from django.db import migrations

REGIONS = [
    ("510000", "四川省", "province", None, ""),
    ("510800", "广元市", "city", "510000", ""),
    ("510802", "利州区", "district", "510800", "市中区"),
    ("510811", "昭化区", "district", "510800", "元坝区"),
    ("510812", "朝天区", "district", "510800", ""),
    ("510821", "旺苍县", "district", "510800", ""),
    ("510822", "青川县", "district", "510800", ""),
    ("510823", "剑阁县", "district", "510800", ""),
    ("510824", "苍溪县", "district", "510800", ""),
]


def seed(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    for code, name, level, parent, former in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent,
                                                             "former_names": former})


def unseed(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    Region.objects.filter(code__in=[r[0] for r in reversed(REGIONS)], level="district").delete()
    Region.objects.filter(code="510800").delete()
    Region.objects.filter(code="510000").delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
