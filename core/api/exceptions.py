"""One error body for every API error: services raise Django exceptions, this handler translates them.

Every 4xx response of /api/ has the same shape (the `Error` component of the OpenAPI schema):

    {"detail": "<one sentence for the user>",
     "errors": {"<field>": ["<message>", ...], "non_field_errors": ["<message>", ...]}}

* Django `ValidationError` from a service or `full_clean` (a message, a list or a dict) and DRF's own
  validation errors → 400; `errors` holds the messages by field (`non_field_errors` for the rest) and
  `detail` the only message, the first form-wide one, or a sentence pointing at the fields.
* `core.errors.ConflictError` (a ValidationError: a concurrent write won) → 409, the same body plus `offer`.
* Django `PermissionDenied` (`core.scoping.require_visible`, role checks) → 403 with its message;
  `Http404` → 404; everything else DRF knows (401, 405, 409, 429 …) keeps its status. `errors` is `{}`.

Views and viewsets call services and let these exceptions propagate: no per-app wrappers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ConflictError
from core.versioning import StaleVersionError

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    """409: the row changed since the client read it (optimistic locking)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("数据已被他人修改，请刷新后重试。")
    default_code = "conflict"


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (400, 403, 404, 409 …)."""

    detail = serializers.CharField(help_text="一句话说明（中文）")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="按字段的错误信息；不属于某个字段的在 non_field_errors 下；403/404 时为空对象",
    )
    offer = serializers.JSONField(required=False, help_text="仅 409：可改选的内容（如该专家最近的空闲时段）")


def _translate(exc):
    """Django's exceptions as DRF's, keeping their messages (DRF's own handler drops a PermissionDenied's)."""
    if isinstance(exc, StaleVersionError):
        return Conflict(exc.messages[0])
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args[:1])
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def _first_message(value) -> str | None:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _first_message(item)
            if found:
                return found
        return None
    return str(value) if value not in (None, "") else None


def _count_messages(value) -> int:
    if isinstance(value, dict):
        return sum(_count_messages(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_messages(v) for v in value)
    return 1


def _flat_messages(value, prefix: str = "") -> list[str]:
    """A field's messages as the documented list of strings: a list item's or nested field's errors are
    prefixed with where they are (`第2项：…`, `closes：…`) instead of nesting objects in the body."""
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            where = gettext("第%(n)s项") % {"n": int(key) + 1} if str(key).isdigit() else str(key)
            out += _flat_messages(item, f"{prefix}{where}：")
        return out
    if isinstance(value, list):
        out = []
        for index, item in enumerate(value):
            if isinstance(item, dict | list) and item:
                nested = prefix if isinstance(item, dict) else f"{prefix}{gettext('第%(n)s项') % {'n': index + 1}}："
                out += _flat_messages(item, nested)
            elif not isinstance(item, dict | list):
                out.append(f"{prefix}{item}")
        return out
    return [f"{prefix}{value}"]


def error_body(exc: exceptions.APIException, data) -> dict:
    """The documented shape, from an APIException and the data DRF's handler built for it."""
    if not isinstance(exc, exceptions.ValidationError):
        detail = data.get("detail") if isinstance(data, dict) else data
        return {"detail": str(detail), "errors": {}}
    if isinstance(data, list):
        data = {NON_FIELD: data}
    errors = {key: _flat_messages(value) for key, value in data.items()}
    if _count_messages(errors) == 1 or errors.get(NON_FIELD):
        detail = _first_message(errors.get(NON_FIELD)) or _first_message(errors)
    else:
        detail = gettext("提交的内容有误，请按各项的提示修改后重试。")
    return {"detail": detail, "errors": errors}


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, fed Django's exceptions, answering one shape."""
    conflict = exc if isinstance(exc, ConflictError) else None
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc, response.data)
        if conflict is not None:
            response.status_code = status.HTTP_409_CONFLICT
            if conflict.offer:  # a stale version offers nothing: the body stays {"detail", "errors"}
                response.data["offer"] = conflict.offer
    return response


class PortalAutoSchema(AutoSchema):
    """The schema names the error body on every status the handler can answer for an operation: 400, 403 and
    404 everywhere (a path's object outside scope, or a page past the end of a list), 401 where credentials
    are needed (token authentication answers 401 to a request without them), 409 on updates (stale
    `version`), 429 where a throttle applies."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "403", "404"]
        if not self._is_public():
            codes.append("401")
        if self.method in ("PUT", "PATCH"):
            codes.append("409")
        if self.view.get_throttles():
            codes.append("429")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code, direction=direction))
        return responses

    def _is_public(self) -> bool:
        from rest_framework.permissions import AllowAny

        permissions = self.view.get_permissions()
        return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)


def page_not_found(request, exception):
    """`handler404`: under /api/ a path no view matches (`/api/jobseekers/0.5/`) answers the error body too."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": str(exceptions.NotFound.default_detail), "errors": {}}, status=404)
    from django.views.defaults import page_not_found as html_page_not_found

    return html_page_not_found(request, exception)
