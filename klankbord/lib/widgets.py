"""Form widgets for the browser's own date and time pickers."""

from django import forms


class IsoDateInput(forms.DateInput):
    """An `<input type="date">`: the browser only accepts an ISO value, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IsoTimeInput(forms.TimeInput):
    """An `<input type="time">`: hours and minutes, the way the browser reads them."""

    input_type = "time"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")
