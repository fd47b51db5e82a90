"""`/api/v1/exports/`: request an export, follow it, download it (the requester only)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from guangyuan_jobs.core.errors import ForbiddenError
from guangyuan_jobs.reports.models import ExportJob
from guangyuan_jobs.reports.selectors import export_job_get_for, export_job_list_for
from guangyuan_jobs.reports.serializers import ExportCreateInputSerializer, ExportJobSerializer
from guangyuan_jobs.reports.services import export_download_open, export_start
from guangyuan_jobs.reports.views import xlsx_response

_ERRORS = {400: OpenApiResponse(description="Invalid report, filters or reason"),
           403: OpenApiResponse(description="Not allowed to export this report (or full values)")}


class ExportListCreateApi(GenericAPIView):
    serializer_class = ExportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ExportJob.objects.none()
        return export_job_list_for(user=self.request.user, filters={})

    @extend_schema(summary="My export jobs, newest first", responses=ExportJobSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ExportJobSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(summary="Request an export; it runs in the background",
                   request=ExportCreateInputSerializer, responses={202: ExportJobSerializer, **_ERRORS})
    def post(self, request):
        if not request.user.has_perm("reports.export_report"):  # refuse before saying what is wrong with the input
            raise ForbiddenError(_("You may not export this report."))
        data = ExportCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = export_start(actor=request.user, **data.validated_data)
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _own_job(request, job_id):
    job = export_job_get_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404
    return job


class ExportDetailApi(GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(summary="An export job: status, progress, rows, download URL when completed",
                   responses={200: ExportJobSerializer, 404: OpenApiResponse(description="No such export of yours")})
    def get(self, request, job_id):
        return Response(ExportJobSerializer(_own_job(request, job_id), context={"request": request}).data)


class ExportDownloadApi(GenericAPIView):
    serializer_class = None

    @extend_schema(summary="The finished .xlsx file (audited)",
                   responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY,
                              403: OpenApiResponse(description="No longer allowed"),
                              404: OpenApiResponse(description="No such export of yours"),
                              409: OpenApiResponse(description="Not finished yet"),
                              410: OpenApiResponse(description="Expired")})
    def get(self, request, job_id):
        job = _own_job(request, job_id)
        return xlsx_response(export_download_open(job=job, actor=request.user), job)
