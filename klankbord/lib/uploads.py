from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def refuse_larger_than(upload: UploadedFile, limit: int) -> UploadedFile:
    """The upload itself, or a clear message when it is larger than `limit` bytes."""
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; files up to %(limit)s can be imported. Split it.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    return upload
