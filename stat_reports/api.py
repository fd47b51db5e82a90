"""`/api/v1/stat-reports/`: a statistical form's figures and balance checks for a month and area."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from guangyuan_jobs.core.errors import ApplicationError
from stat_reports.forms import StatFormChoiceForm
from stat_reports.selectors import form_result
from stat_reports.services import PERMISSION


class MayProduceForms(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.is_applicant and user.has_perm(PERMISSION))


class StatFormQuerySerializer(serializers.Serializer):
    form = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    region = serializers.CharField(help_text="'all' for the whole city, 510800 for the city level, or a district code")


class StatFormCellSerializer(serializers.Serializer):
    row = serializers.CharField()
    label = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField())


class StatFormCheckSerializer(serializers.Serializer):
    label = serializers.CharField()
    holds = serializers.BooleanField()


class StatFormSerializer(serializers.Serializer):
    form = serializers.CharField()
    title = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    region = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
    rows = StatFormCellSerializer(many=True)
    checks = StatFormCheckSerializer(many=True)
    balanced = serializers.BooleanField()


class StatFormApi(APIView):
    permission_classes = [MayProduceForms]

    @extend_schema(summary="A monthly statistical form computed from the records", parameters=[StatFormQuerySerializer],
                   responses={200: StatFormSerializer, 400: OpenApiResponse(description="Invalid form, month or area")})
    def get(self, request):
        chooser = StatFormChoiceForm(request.query_params, user=request.user)
        if not chooser.is_valid():
            raise ApplicationError(" ".join(str(e) for errors in chooser.errors.values() for e in errors),
                                   code="invalid")
        data = chooser.cleaned_data
        result = form_result(data["form"], year=data["year"], month=data["month"], user=request.user,
                             region=chooser.region_code())
        body = {
            "form": result.form.code, "title": str(result.form.title), "period_start": result.period.start,
            "period_end": result.period.end, "region": result.region, "unit": str(result.form.unit),
            "rows": [{"row": row.code, "label": str(row.label),
                      "values": {column: str(value) for column, value in result.values[row.code].items()}}
                     for row in result.rows],
            "checks": [{"label": check.label, "holds": check.holds} for check in result.checks],
            "balanced": result.balanced,
        }
        return Response(StatFormSerializer(body).data)
