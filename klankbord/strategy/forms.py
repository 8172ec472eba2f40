"""One form per plan step. Every field may stay empty, so a half-done step can be saved; what is
filled in is checked strictly. List parts (audiences, content pillars, KPIs) are rows of a formset.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from klankbord.lib.widgets import IsoDateInput
from klankbord.orgs.models import Membership
from klankbord.strategy import rules, texts
from klankbord.strategy import vocabulary as v
from klankbord.strategy.kpi_metrics import KPI_METRICS
from klankbord.strategy.rules import Steps
from klankbord.strategy.services import EDITS_THE_PLAN, SETS_INBOX_TARGET

BLANK: list[tuple[str, Any]] = [("", "—")]
ROWS_MAX = 12


def _number(
    label: Any, *, max_value: float, min_value: float = 0, help_text: Any = ""
) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=min_value,
        max_value=max_value,
        localize=True,  # "2,5" in Dutch and French, "2.5" in English
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
        error_messages={
            "invalid": _("Enter a number, such as 2 or 2.5."),
            "min_value": _("Enter %(limit_value)s or more."),
            "max_value": _("Enter %(limit_value)s or less."),
        },
    )


def _whole(label: Any, *, max_value: int, min_value: int = 0, help_text: Any = "") -> forms.Field:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"size": 6}),
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter %(limit_value)s or more."),
            "max_value": _("Enter %(limit_value)s or less."),
        },
    )


def _text(label: Any, *, max_length: int = 200, rows: int = 0, help_text: Any = "") -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=widget, help_text=help_text
    )


def _choice(label: Any, keys: Sequence[str], labels: Mapping[str, Any], **kwargs: Any) -> Any:
    return forms.ChoiceField(
        label=label, required=False, choices=BLANK + texts.choices(keys, labels), **kwargs
    )


def _ticks(label: Any, keys: Sequence[str], labels: Mapping[str, Any]) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=texts.choices(keys, labels),
        widget=forms.CheckboxSelectMultiple,
    )


def _ordered(chosen: Sequence[str], keys: Sequence[str]) -> list[str]:
    return [key for key in keys if key in chosen]


def _tidy(value: float | None) -> float | int | None:
    """Whole numbers stay whole in the stored JSON: 3, not 3.0."""
    if value is None:
        return None
    return int(value) if value == int(value) else round(value, 2)


class StepForm(forms.Form):
    """A step's form; `rows` holds the cleaned rows of its list part, if it has one."""

    row_form: ClassVar[type[forms.Form] | None] = None
    rows_key: ClassVar[str] = ""
    row_name: ClassVar[Any] = ""  # "Audience" in "Audience 2"
    add_row: ClassVar[Any] = ""

    def __init__(self, *args: Any, steps: Steps, **kwargs: Any) -> None:
        self.steps = steps
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The stored values of this form's own fields (a list part fills its rows itself)."""
        return {key: value for key, value in data.items() if key in cls.base_fields}

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- 1. goals and self-check -------------------------------------------------------------------


class GoalsForm(StepForm):
    goals = _ticks(_("Goals"), v.GOALS, texts.GOALS)
    primary = _choice(_("Main goal"), v.GOALS, texts.GOALS)
    hours_per_week = _number(
        _("Hours per week you can spend on social media"), max_value=v.MAX_HOURS_PER_WEEK
    )
    who = _text(_("Who does it?"), help_text=_("A name or a role, e.g. “Bob, in the shop”."))
    mode = forms.ChoiceField(
        label=_("Done in-house or by an outside consultant?"),
        required=False,
        choices=texts.choices(v.MODES, texts.MODES),
        widget=forms.RadioSelect,
    )
    internal_rate = _number(
        _("What an hour of your own time costs (€)"),
        max_value=v.MAX_RATE,
        help_text=_("Wage and charges, or what you would earn in that hour."),
    )
    consultant_rate = _number(_("Consultant's hourly rate (€)"), max_value=v.MAX_RATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        goals, primary = cleaned.get("goals") or [], cleaned.get("primary")
        if primary and goals and primary not in goals:
            self.add_error("primary", _("Your main goal must be one of the goals you ticked."))
        return cleaned

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        goals = list(data["goals"])
        if data["primary"] and not goals:
            goals = [data["primary"]]  # a main goal alone is a goal too
        return {
            "goals": _ordered(goals, v.GOALS),
            "primary": data["primary"],
            "hours_per_week": _tidy(data["hours_per_week"]),
            "who": data["who"].strip(),
            "mode": data["mode"],
            "internal_rate": _tidy(data["internal_rate"]),
            "consultant_rate": _tidy(data["consultant_rate"]),
        }


# --- 2. audiences ------------------------------------------------------------------------------


class AudienceForm(forms.Form):
    name = _text(_("Name"), max_length=100, help_text=_("e.g. “Young families in Leuven”"))
    area = _choice(_("Where do they live?"), v.AREAS, texts.AREAS)
    where = _text(_("Town or region"), help_text=_("e.g. “Gent and surroundings”"))
    age_from = _whole(_("Age from"), max_value=120)
    age_to = _whole(_("Age to"), max_value=120)
    kind = forms.ChoiceField(
        label=_("Businesses or consumers?"),
        required=False,
        choices=texts.choices(v.AUDIENCE_KINDS, texts.AUDIENCE_KINDS),
        widget=forms.RadioSelect,
    )
    description = _text(_("Who are they?"), max_length=1000, rows=2)
    online = _ticks(_("When are they online?"), v.ONLINE_MOMENTS, texts.ONLINE_MOMENTS)
    networks = _ticks(_("Networks they use (if you know)"), v.NETWORKS, texts.NETWORKS)
    usage = _text(
        _("How do they use social media?"),
        max_length=1000,
        rows=2,
        help_text=_("e.g. “look for ideas, read reviews, ask questions in Messenger”"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("age_from"), cleaned.get("age_to")
        if low is not None and high is not None and low > high:
            self.add_error("age_to", _("The oldest age must not be below the youngest."))
        return cleaned


class AudiencesForm(StepForm):
    row_form = AudienceForm
    rows_key = "audiences"
    row_name = _("Audience")
    add_row = _("Add an audience")

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        audiences = [
            {
                **{key: (row.get(key) or "").strip() for key in ("name", "description", "where")},
                "usage": (row.get("usage") or "").strip(),
                "kind": row.get("kind") or "",
                "area": row.get("area") or "",
                "age_from": row.get("age_from"),
                "age_to": row.get("age_to"),
                "online": _ordered(row.get("online") or [], v.ONLINE_MOMENTS),
                "networks": _ordered(row.get("networks") or [], v.NETWORKS),
            }
            for row in rows
        ]
        return {"audiences": audiences}


# --- 3. positioning ----------------------------------------------------------------------------


class PositioningForm(StepForm):
    current_image = _text(_("How do people see you now?"), max_length=1000, rows=2)
    desired_image = _text(_("How do you want to be seen?"), max_length=1000, rows=2)
    difference = _text(
        _("What makes you different from others in your trade?"), max_length=1000, rows=2
    )
    address = forms.ChoiceField(
        label=_("How do you address people?"),
        required=False,
        choices=texts.choices(v.ADDRESS, texts.ADDRESS),
        widget=forms.RadioSelect,
    )
    register = forms.ChoiceField(
        label=_("Tone"),
        required=False,
        choices=texts.choices(v.REGISTERS, texts.REGISTERS),
        widget=forms.RadioSelect,
    )
    avoid = _text(
        _("Topics to avoid"),
        max_length=1000,
        rows=2,
        help_text=_("e.g. politics, prices of competitors, jokes about customers"),
    )
    visual = forms.BooleanField(
        label=_("What we sell shows well in pictures (food, flowers, interiors, fashion …)"),
        required=False,
    )

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        written = ("current_image", "desired_image", "difference", "avoid")
        return {
            **{key: data[key].strip() for key in written},
            "address": data["address"],
            "register": data["register"],
            "visual": bool(data["visual"]),
        }


# --- 4. channels -------------------------------------------------------------------------------


class ChannelsForm(StepForm):
    networks = _ticks(_("Channels you will use"), v.NETWORKS, texts.NETWORKS)
    notes = _text(_("Notes"), max_length=1000, rows=2)

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        return {"networks": _ordered(data["networks"], v.NETWORKS), "notes": data["notes"].strip()}


# --- 5. content --------------------------------------------------------------------------------


class PillarForm(forms.Form):
    name = _text(_("Pillar"), max_length=100, help_text=_("e.g. “Behind the scenes”"))
    kind = _choice(_("Kind"), v.PILLAR_KINDS, texts.PILLAR_KINDS)
    share = _whole(_("Share (%)"), max_value=100)
    examples = _text(_("Examples"), max_length=1000, rows=2)

    def clean_share(self) -> int | None:
        share: int | None = self.cleaned_data.get("share")
        if share == 0:
            raise forms.ValidationError(_("A share of 0 % means no posts: remove the pillar."))
        return share


class ContentForm(StepForm):
    row_form = PillarForm
    rows_key = "pillars"
    row_name = _("Pillar")
    add_row = _("Add a pillar")
    visual_style = _text(
        _("Visual style"),
        max_length=1000,
        rows=2,
        help_text=_("Colours, kind of photos, fonts, templates: what makes a post yours."),
    )

    def __init__(self, *args: Any, steps: Steps, **kwargs: Any) -> None:
        super().__init__(*args, steps=steps, **kwargs)
        for network in rules.networks_of(steps):
            self.fields[f"formats_{network}"] = _ticks(
                _("Formats on %(network)s") % {"network": texts.NETWORKS[network]},
                v.FORMATS,
                texts.FORMATS,
            )

    @classmethod
    def initial_from(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        formats = data.get("formats") or {}
        return {
            "visual_style": data.get("visual_style", ""),
            **{f"formats_{network}": chosen for network, chosen in formats.items()},
        }

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        pillars = [
            {
                "name": (row.get("name") or "").strip(),
                "kind": row.get("kind") or "",
                "share": row.get("share"),
                "examples": (row.get("examples") or "").strip(),
            }
            for row in rows
        ]
        formats = {
            network: _ordered(data.get(f"formats_{network}") or [], v.FORMATS)
            for network in rules.networks_of(self.steps)
        }
        return {
            "pillars": pillars,
            "visual_style": data["visual_style"].strip(),
            "formats": {network: chosen for network, chosen in formats.items() if chosen},
        }


# --- 6. rhythm ---------------------------------------------------------------------------------


class RhythmForm(StepForm):
    who_posts = _text(_("Who posts?"))
    who_answers = _text(
        _("Who answers questions and comments?"),
        help_text=_("Name a person, and who takes over during holidays."),
    )
    response_minutes = _whole(
        _("Answer within (working minutes)"),
        min_value=v.MIN_RESPONSE_MINUTES,
        max_value=v.MAX_RESPONSE_MINUTES,
        help_text=_("Counted in your opening hours; the inbox uses this as its response target."),
    )

    def __init__(self, *args: Any, steps: Steps, **kwargs: Any) -> None:
        super().__init__(*args, steps=steps, **kwargs)
        for network in rules.networks_of(steps):
            name = texts.NETWORKS[network]
            self.fields[f"per_week_{network}"] = _number(
                _("Posts per week on %(network)s") % {"network": name},
                min_value=0.25,
                max_value=v.MAX_POSTS_PER_WEEK,
                help_text=_("0.5 is once every two weeks."),
            )
            self.fields[f"moments_{network}"] = _text(
                _("Best moments on %(network)s") % {"network": name},
                help_text=_("e.g. “Tuesday and Thursday around 12:00”"),
            )
        self.order_fields([f for f in self.fields if f.startswith(("per_week", "moments"))])

    @classmethod
    def initial_from(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        per_week = data.get("posts_per_week") or {}
        moments = data.get("best_moments") or {}
        return {
            **{key: data.get(key) for key in ("who_posts", "who_answers", "response_minutes")},
            **{f"per_week_{network}": n for network, n in per_week.items()},
            **{f"moments_{network}": text for network, text in moments.items()},
        }

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        networks = rules.networks_of(self.steps)
        per_week = {n: _tidy(data.get(f"per_week_{n}")) for n in networks}
        moments = {n: (data.get(f"moments_{n}") or "").strip() for n in networks}
        return {
            "posts_per_week": {n: value for n, value in per_week.items() if value is not None},
            "best_moments": {n: text for n, text in moments.items() if text},
            "who_posts": data["who_posts"].strip(),
            "who_answers": data["who_answers"].strip(),
            "response_minutes": data["response_minutes"],
        }


# --- 7. budget ---------------------------------------------------------------------------------


class BudgetForm(StepForm):
    hours_per_week = _number(_("Hours per week"), max_value=v.MAX_HOURS_PER_WEEK)
    hourly_cost = _number(_("Cost of an hour (€)"), max_value=v.MAX_RATE)
    ad_spend = _number(_("Ads per month (€)"), max_value=v.MAX_MONTHLY)
    tools = _text(_("Tools"), help_text=_("e.g. a design tool, a photo bank, a stock of music"))
    tools_cost = _number(_("Tools per month (€)"), max_value=v.MAX_MONTHLY)
    outside_help = _number(
        _("Outside help per month (€)"),
        max_value=v.MAX_MONTHLY,
        help_text=_("A photographer, a copywriter, an agency."),
    )

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.cleaned_data
        amounts = ("hours_per_week", "hourly_cost", "ad_spend", "tools_cost", "outside_help")
        return {**{key: _tidy(data[key]) for key in amounts}, "tools": data["tools"].strip()}


# --- 8. KPIs -----------------------------------------------------------------------------------


class KpiForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    indicator = _text(_("Indicator"), help_text=_("What you count, e.g. “contact requests”."))
    target = _number(_("Target"), max_value=1e9)
    period = _choice(_("Period"), v.PERIODS, texts.PERIODS)
    # The Measure page fills in the actual figure of a KPI that Klankbord can count itself.
    metric = forms.ChoiceField(
        label=_("Klankbord measures this for me"),
        required=False,
        choices=[("", _("No, I enter it myself at the review"))]
        + [(key, found.label) for key, found in KPI_METRICS.items()],
    )
    evaluate_on = forms.DateField(
        label=_("Evaluate on"),
        required=False,
        widget=IsoDateInput(),
        error_messages={"invalid": _("Enter a date, such as 2026-03-31.")},
    )

    def __init__(self, *args: Any, steps: Steps, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = rules.goals_of(steps) or list(v.GOALS)
        self.fields["goal"].choices = BLANK + texts.choices(goals, texts.GOALS)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("target") is not None and not cleaned.get("indicator"):
            self.add_error("indicator", _("Say what the target counts, e.g. “leads”."))
        return cleaned


class KpisForm(StepForm):
    row_form = KpiForm
    rows_key = "kpis"
    row_name = _("KPI")
    add_row = _("Add a KPI")

    def step_data(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        kpis = [
            {
                "goal": row.get("goal") or "",
                "indicator": (row.get("indicator") or "").strip(),
                "target": _tidy(row.get("target")),
                "period": row.get("period") or "",
                "metric": row.get("metric") if row.get("metric") in KPI_METRICS else "",
                "evaluate_on": row["evaluate_on"].isoformat() if row.get("evaluate_on") else "",
            }
            for row in rows
        ]
        return {"kpis": kpis}


FORMS: dict[str, type[StepForm]] = {
    "goals": GoalsForm,
    "audiences": AudiencesForm,
    "positioning": PositioningForm,
    "channels": ChannelsForm,
    "content": ContentForm,
    "rhythm": RhythmForm,
    "budget": BudgetForm,
    "kpis": KpisForm,
}
assert set(FORMS) == set(v.STEPS)


# --- a step's form and rows together -----------------------------------------------------------


@dataclass
class Editor:
    form: StepForm
    rows: "BaseFormSet[forms.Form] | None"

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return (self.rows is None or self.rows.is_valid()) and valid

    def step_data(self) -> dict[str, Any]:
        return self.form.step_data(_kept_rows(self.rows))

    def disable(self) -> None:
        forms_ = [self.form, *(self.rows.forms if self.rows is not None else [])]
        for form in forms_:
            for field in form.fields.values():
                field.disabled = True


def _kept_rows(rows: "BaseFormSet[forms.Form] | None") -> list[dict[str, Any]]:
    """The filled-in rows, in order; rows marked for removal or left empty are dropped."""
    if rows is None:
        return []
    kept = []
    for form in rows.forms:
        cleaned = getattr(form, "cleaned_data", None) or {}
        if cleaned.get("DELETE"):
            continue
        values = {key: value for key, value in cleaned.items() if key != "DELETE"}
        if any(value not in (None, "", [], False) for value in values.values()):
            kept.append(values)
    return kept


def editor(
    key: str, steps: Steps, data: Mapping[str, Any], post: Mapping[str, Any] | None = None
) -> Editor:
    """The form (and rows) of one step, filled with `data` or bound to a submitted `post`."""
    form_class = FORMS[key]
    form = form_class(post, initial=form_class.initial_from(data), steps=steps)
    rows = None
    if form_class.row_form is not None:
        formset = formset_factory(
            form_class.row_form, extra=1, can_delete=True, max_num=ROWS_MAX, validate_max=True
        )
        # Bound rows are read as posted: compared with stored ones, an unchanged row would be
        # skipped as empty.
        initial = (
            None
            if post is not None
            else [_row_initial(row) for row in data.get(form_class.rows_key) or []]
        )
        kwargs = {"steps": steps} if form_class.row_form is KpiForm else {}
        rows = formset(post, initial=initial, prefix=form_class.rows_key, form_kwargs=kwargs)
        for row in rows.forms:
            row.fields["DELETE"].label = _("Remove")
    return Editor(form, rows)


def member_editor(
    membership: Membership,
    key: str,
    steps: Steps,
    data: Mapping[str, Any],
    post: Mapping[str, Any] | None = None,
) -> Editor:
    """The step's form as this member may use it: read-only below editor, and the inbox's
    response target only for those who may change the inbox settings."""
    found = editor(key, steps, data, post)
    if not membership.has_role(EDITS_THE_PLAN):
        found.disable()
    elif key == "rhythm" and not membership.has_role(SETS_INBOX_TARGET):
        field = found.form.fields["response_minutes"]
        field.disabled = True
        field.help_text = _("Managers and owners set the response target, here or in the inbox.")
    return found


def _row_initial(row: Mapping[str, Any]) -> dict[str, Any]:
    found = dict(row)
    if isinstance(found.get("evaluate_on"), str) and found["evaluate_on"]:
        found["evaluate_on"] = date.fromisoformat(found["evaluate_on"])
    return found


class VersionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("e.g. “after the review of the first quarter”"),
    )


# --- the evaluation ----------------------------------------------------------------------------


class ReviewScheduleForm(forms.Form):
    every_months = forms.TypedChoiceField(
        label=_("Evaluate the plan"),
        coerce=int,
        choices=[
            (1, _("every month")),
            (3, _("every quarter")),
            (6, _("every six months")),
            (12, _("every year")),
        ],
    )
    next_on = forms.DateField(
        label=_("Next evaluation"),
        widget=IsoDateInput(),
        error_messages={
            "required": _("Choose the date of the next evaluation."),
            "invalid": _("Enter a date, such as 2026-03-31."),
        },
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_next_on(self) -> date:
        chosen: date = self.cleaned_data["next_on"]
        if chosen < self.today:
            raise forms.ValidationError(_("Choose today or a later date."))
        return chosen


class ReviewForm(forms.Form):
    """The review's notes, and the actual of every KPI Klankbord does not measure itself."""

    notes = forms.CharField(
        label=_("What worked? What do you change?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, entered: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, indicator in entered:
            name = indicator or _("KPI %(number)s") % {"number": index + 1}
            self.fields[f"actual_{index}"] = forms.FloatField(
                label=_("Actual of “%(indicator)s”") % {"indicator": name},
                required=False,
                min_value=0,
                max_value=1e12,
                localize=True,
                error_messages={
                    "invalid": _("Enter the actual of “%(indicator)s” as a number, e.g. 42.")
                    % {"indicator": name},
                    "min_value": _("The actual of “%(indicator)s” cannot be negative.")
                    % {"indicator": name},
                    "max_value": _("The actual of “%(indicator)s” is too large.")
                    % {"indicator": name},
                },
            )

    def entered(self) -> dict[int, float | None]:
        return {
            int(name.removeprefix("actual_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("actual_")
        }


# --- the staff social media policy -------------------------------------------------------------

POLICY_EMPLOYER = {
    "yes": _("Yes"),
    "disclaimer": _("Yes, adding that their posts are their own opinion"),
    "no": _("No"),
}
POLICY_SHARING = {
    "encouraged": _("Encouraged: every like and share helps"),
    "allowed": _("Allowed, not expected"),
    "not": _("Not from their own accounts"),
}
POLICY_CONFIDENTIAL = {
    "customers": _("Customer data"),
    "prices": _("Prices, quotes and contracts"),
    "figures": _("Internal figures (turnover, margins)"),
    "plans": _("Plans not yet made public"),
    "colleagues": _("Colleagues' personal details"),
}
POLICY_PHOTOS = {
    "consent": _("Allowed, with the consent of everyone recognisable in them"),
    "never": _("Not at all"),
}
POLICY_PRIVATE_USE = {
    "breaks": _("Allowed during breaks"),
    "limited": _("A quick look now and then"),
    "not": _("Not at work"),
}


def _radio(label: Any, keys: Sequence[str], labels: Mapping[str, Any]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=texts.choices(keys, labels),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the options.")},
    )


class PolicyChoicesForm(forms.Form):
    """What the organisation decides; the draft of the staff policy is written from it."""

    employer = _radio(
        _("May staff say online that they work here?"), v.POLICY_EMPLOYER, POLICY_EMPLOYER
    )
    sharing = _radio(
        _("May staff like and share the business's posts?"), v.POLICY_SHARING, POLICY_SHARING
    )
    confidential = _ticks(_("What is confidential?"), v.POLICY_CONFIDENTIAL, POLICY_CONFIDENTIAL)
    confidential_other = _text(
        _("Anything else that is confidential"),
        max_length=1000,
        rows=3,
        help_text=_("One item a line, e.g. “recipes”."),
    )
    photos = _radio(_("Photos and videos at work"), v.POLICY_PHOTOS, POLICY_PHOTOS)
    private_use = _radio(
        _("Social media for themselves during working hours"),
        v.POLICY_PRIVATE_USE,
        POLICY_PRIVATE_USE,
    )
    contact = _text(
        _("Who do staff ask their questions?"),
        help_text=_(
            "A name with an e-mail address or phone number. Left empty, the policy names who "
            "answers on behalf of the business (step 6 of the plan)."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the edited text with a new draft"), required=False
    )

    def __init__(self, *args: Any, edited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edited = edited
        # Only a text changed by hand needs the confirmation.
        if not edited:
            del self.fields["replace"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.edited and not cleaned.get("replace"):
            self.add_error(
                "replace",
                _(
                    "The text was changed by hand since the last draft. Tick the box to replace "
                    "those changes with a new draft."
                ),
            )
        return cleaned

    def choices(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "employer": data["employer"],
            "sharing": data["sharing"],
            "confidential": _ordered(data["confidential"], v.POLICY_CONFIDENTIAL),
            "confidential_other": data["confidential_other"].strip(),
            "photos": data["photos"],
            "private_use": data["private_use"],
            "contact": data["contact"].strip(),
        }


class PolicyTextForm(forms.Form):
    text = forms.CharField(
        label=_("The policy"),
        max_length=v.MAX_POLICY_TEXT,
        strip=False,  # kept as typed: blank lines separate the paragraphs
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "“# ” starts the title, “## ” a section and “- ” a bullet; a blank line starts a new "
            "paragraph; **bold** is shown in bold."
        ),
        error_messages={
            "required": _("The policy is empty: write it, or generate a draft."),
            "max_length": _(
                "The policy is too long: keep it under %(limit_value)s characters (it has "
                "%(show_value)s)."
            ),
        },
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].replace("\r\n", "\n")
        if not text.strip():
            raise forms.ValidationError(_("The policy is empty: write it, or generate a draft."))
        return text
