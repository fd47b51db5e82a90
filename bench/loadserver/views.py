"""The two baselines: Django's ceiling (a JSON view doing nothing) and the naive peer (a bare DRF create)."""

from django.http import JsonResponse
from rest_framework import generics, permissions, serializers

from bench.loadserver.models import PlainRow


def bare_json(request):
    return JsonResponse({"ok": True})


class PlainRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlainRow
        fields = ["id", "name", "amount", "created_at"]


class BareCreate(generics.CreateAPIView):
    """Token-authenticated like the claims API, then one validated INSERT: nothing else."""

    serializer_class = PlainRowSerializer
    permission_classes = [permissions.IsAuthenticated]
