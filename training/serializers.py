"""Serializers of the training API: what the pages show, nothing more (no ID number in full)."""

from rest_framework import serializers

from training.models import DrawSession, SignUp, Trainee, TrainingClass, TrainingPackage


class PackageSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Status code (see the page for its label).")
    occupation_code = serializers.CharField(source="occupation.code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    contractor = serializers.CharField(source="contractor.code", read_only=True, default=None)
    level = serializers.IntegerField(read_only=True, help_text="Skill level, 5 (初级工) to 1 (高级技师)")
    pool = serializers.SerializerMethodField()

    class Meta:
        model = TrainingPackage
        fields = ["ref", "title", "occupation_code", "occupation_name", "level", "implementing_unit", "region",
                  "seats", "hours", "subsidy_standard", "min_teachers", "min_premises_m2", "equipment_required",
                  "signup_deadline", "status", "published_at", "pool_sha256", "pool", "contractor"]
        read_only_fields = fields

    def get_pool(self, package) -> list[list[str]]:
        return (package.pool_document or {}).get("institutions", [])


class SignUpSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Status code (see the page for its label).")
    package = serializers.CharField(source="package.ref", read_only=True)
    institution = serializers.CharField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = SignUp
        fields = ["id", "package", "institution", "institution_name", "teachers", "premises_m2", "equipment",
                  "evidence_sha256", "status", "check_note", "submitted_at", "checked_at"]
        read_only_fields = fields


class SignUpInputSerializer(serializers.Serializer):
    teachers = serializers.IntegerField(min_value=0, max_value=1000)
    premises_m2 = serializers.IntegerField(min_value=0, max_value=1_000_000)
    equipment = serializers.CharField(max_length=2000)
    evidence = serializers.FileField(required=False)


class SignUpCheckSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TraineeSerializer(serializers.ModelSerializer):
    result = serializers.CharField(read_only=True, help_text="pending, passed or failed")
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)

    class Meta:
        model = Trainee
        fields = ["id", "name", "id_number", "attended_hours", "completed", "result", "certificate_no",
                  "employed_after"]
        read_only_fields = fields


class ClassSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Status code (see the page for its label).")
    package = serializers.CharField(source="package.ref", read_only=True)
    institution = serializers.CharField(source="institution.code", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = TrainingClass
        fields = ["ref", "package", "institution", "region", "starts_on", "ends_on", "address", "teacher_names",
                  "status", "filed_at", "completed_at"]
        read_only_fields = fields


class ClassDetailSerializer(ClassSerializer):
    trainees = TraineeSerializer(many=True, read_only=True)

    class Meta(ClassSerializer.Meta):
        fields = [*ClassSerializer.Meta.fields, "trainees"]
        read_only_fields = fields


class ClassInputSerializer(serializers.Serializer):
    package = serializers.CharField(max_length=32)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    address = serializers.CharField(max_length=200)
    teacher_names = serializers.CharField(max_length=200)


class TraineeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(min_length=18, max_length=18)


class SessionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="Status code (see the page for its label).")
    class Meta:
        model = DrawSession
        fields = ["ref", "title", "scheduled_at", "venue", "algorithm", "status", "commitment_sha256", "drawn_at"]
        read_only_fields = fields


class DrawRunSerializer(serializers.Serializer):
    public_numbers = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1, max_length=20)
    recording_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    notary_certificate = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
