"""The API's shared pieces: the single error shape {"error": {"code", "message", "fields"}}, strict query
parameters, the pagination, and serializer fields built once."""

import copy

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.middleware import (
    database_unavailable_error,
    database_unavailable_message,
    database_unavailable_retry_after,
    log_database_unavailable,
)


def _error_response(code: str, message: str, http_status: int, fields=None, extra=None, headers=None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    if extra:
        body["error"]["extra"] = extra
    return Response(body, status=http_status, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return _error_response(exc.code, exc.message, exc.http_status, extra=exc.extra)
    if (db_error := database_unavailable_error(exc)) is not None:
        # The database was lost or refused the connection: wait and retry, not a 500 (core/middleware.py).
        log_database_unavailable(context["request"], db_error)
        return _error_response("database_unavailable", database_unavailable_message(),
                               status.HTTP_503_SERVICE_UNAVAILABLE,
                               headers={"Retry-After": database_unavailable_retry_after(), "Cache-Control": "no-store"})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return _error_response("invalid", _("The data sent is not valid."), status.HTTP_400_BAD_REQUEST,
                               fields=fields, headers=headers)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return _error_response(code, message, response.status_code, headers=headers)


def one_value_each(request, names) -> None:
    """A parameter given twice (?status=a&status=b) is ambiguous: a 400 naming it, not the last value quietly
    winning."""
    repeated = {name: [_("Give this parameter once.")] for name in names
                if len(request.query_params.getlist(name)) > 1}
    if repeated:
        raise exceptions.ValidationError(repeated)


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, with `page` given at most once."""

    def paginate_queryset(self, queryset, request, view=None):
        one_value_each(request, [self.page_query_param])
        return super().paginate_queryset(queryset, request, view)


def query_filters(request, **fields: serializers.Field) -> dict:
    """A list's filter parameters checked by DRF fields (each `required=False`): a value outside what the schema
    documents, or a parameter given twice, is a 400 naming the parameter, never quietly an empty or unfiltered
    list. Absent ones are left out."""
    one_value_each(request, fields)
    checker = type("QueryFilters", (serializers.Serializer,), dict(fields))(data=request.query_params)
    checker.is_valid(raise_exception=True)
    return dict(checker.validated_data)


def optional_choice(choices) -> serializers.ChoiceField:
    """A filter parameter taking one of `choices`; absent or empty means no filter."""
    return serializers.ChoiceField(choices=list(choices), required=False, allow_blank=True)


def optional_text() -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True)


class FieldsBuiltOnce:
    """For a ModelSerializer (put first among the bases): its fields are built from the model once per class,
    not for every object answered. DRF builds them anew for each serializer instance, which for a claim's answer
    was two thirds of its serializing (0.5 ms); each instance still gets its own copies to bind."""

    _built: dict[type, dict] = {}

    def get_fields(self):
        built = FieldsBuiltOnce._built.get(type(self))
        if built is None:
            built = FieldsBuiltOnce._built[type(self)] = super().get_fields()
        return copy.deepcopy(built)
