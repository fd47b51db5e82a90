"""fetch_all_prepared: on PostgreSQL a statement is prepared once per database session and then only executed,
giving the same rows as a plain query; a new session prepares it again; off by setting, or on SQLite, it is a
plain query."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.core.db import fetch_all_prepared
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
SQL = "SELECT username, is_active FROM accounts_user WHERE id = %s OR username = %s ORDER BY id"


def statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        rows = call()
    return rows, [q["sql"].split()[0] for q in captured.captured_queries]


def test_prepared_once_per_session_with_the_rows_of_a_plain_query(require_postgres):
    first, second = make_user("intake"), make_user("approver")
    connection.close()  # a session of its own, whatever ran before
    rows, sent = statements(lambda: fetch_all_prepared(connection, SQL, [first.pk, second.username]))
    assert rows == [(first.username, True), (second.username, True)]
    assert sent == ["PREPARE"]  # with its first EXECUTE, in one round trip
    rows, sent = statements(lambda: fetch_all_prepared(connection, SQL, [second.pk, "nobody"]))
    assert rows == [(second.username, True)] and sent == ["EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute(SQL, [first.pk, second.username])
        assert cursor.fetchall() == fetch_all_prepared(connection, SQL, [first.pk, second.username])


def test_a_rolled_back_transaction_keeps_the_statement_and_a_new_session_prepares_again(require_postgres):
    user = make_user("intake")
    with transaction.atomic():
        fetch_all_prepared(connection, SQL, [user.pk, ""])
        transaction.set_rollback(True)
    assert statements(lambda: fetch_all_prepared(connection, SQL, [user.pk, ""]))[1] == ["EXECUTE"]
    connection.close()  # a new database session: its statements are gone
    rows, sent = statements(lambda: fetch_all_prepared(connection, SQL, [user.pk, ""]))
    assert rows == [(user.username, True)] and sent == ["PREPARE"]


def test_off_by_setting_it_is_a_plain_query(settings):
    settings.DB_PREPARED_STATEMENTS = False
    user = make_user("intake")
    User.objects.filter(pk=user.pk).update(is_active=False)
    rows, sent = statements(lambda: fetch_all_prepared(connection, SQL, [user.pk, ""]))
    assert rows == [(user.username, False)] and sent == ["SELECT"]


def test_a_first_use_that_fails_leaves_the_next_one_working(require_postgres):
    user = make_user("intake")
    connection.close()
    with pytest.raises(DataError), transaction.atomic():  # the PREPARE works, its EXECUTE does not
        fetch_all_prepared(connection, SQL, ["not a number", ""])
    rows, sent = statements(lambda: fetch_all_prepared(connection, SQL, [user.pk, ""]))
    assert rows == [(user.username, True)] and sent == ["PREPARE"]
