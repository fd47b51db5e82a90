from django.db import models


class PlainRow(models.Model):
    """A plain table (made by bench/load.py, not by a migration): what a naive peer's create writes."""

    name = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        managed = False
        db_table = "bench_plain_row"


CREATE_TABLE = """CREATE TABLE IF NOT EXISTS bench_plain_row (
    id bigserial PRIMARY KEY, name varchar(64) NOT NULL, amount numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL)"""
