"""Base serializer that runs the model's own validation (`full_clean`), as the forms do."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


class ModelCleanSerializer(serializers.ModelSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        for key, value in attrs.items():
            field = model._meta.get_field(key) if key in {f.name for f in model._meta.get_fields()} else None
            if field is not None and not field.many_to_many:
                setattr(instance, key, value)
        exclude = [f.name for f in model._meta.fields if f.name not in attrs and self.instance is None]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class VersionedSerializerMixin(serializers.Serializer):
    """`version` read back on every row and required on updates (core/versioning.py): a stale one is a 409."""

    version = serializers.IntegerField(required=False, min_value=0,
                                       help_text="读取时的版本号；修改时必填，他人已修改则返回 409")

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": "修改时须提供读取时的版本号 version，以免覆盖他人的修改。"})
        return super().validate(attrs)
