from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """Says so when `limit` or `offset` is not a number, instead of silently ignoring it."""

    max_limit = 200

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        for name in (self.limit_query_param, self.offset_query_param):
            values = request.query_params.getlist(name)
            if len(values) > 1 or any(not value.isdigit() for value in values):
                raise ValidationError({name: [_("Give one whole number of 0 or more.")]})
        limit = request.query_params.get(self.limit_query_param)
        if limit is not None and int(limit) > self.max_limit:
            message = _("At most %(max)d items per page.") % {"max": self.max_limit}
            raise ValidationError({self.limit_query_param: [message]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["maximum"] = self.max_limit
        return parameters
