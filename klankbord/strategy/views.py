from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klankbord.lib.markup import markdown_html
from klankbord.orgs.access import org_view, require_role
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import (
    evaluation,
    export,
    review,
    rules,
    selectors,
    services,
    sharing,
    texts,
)
from klankbord.strategy.forms import (
    Editor,
    PolicyChoicesForm,
    PolicyTextForm,
    ReviewScheduleForm,
    VersionForm,
    member_editor,
)
from klankbord.strategy.models import Plan, PlanVersion, StaffPolicy
from klankbord.strategy.policy import file_name, is_edited, policy_pdf
from klankbord.strategy.rules import Steps
from klankbord.strategy.services import EDITS_THE_PLAN
from klankbord.strategy.vocabulary import STEPS


@org_view()
def plan_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = selectors.plan_or_blank(organisation)
    steps = plan.steps
    context = {
        "membership": membership,
        "plan": plan,
        "states": selectors.step_states(steps),
        **_plan_figures(steps, organisation),
        **_self_check(steps),
        "may_edit": membership.has_role(EDITS_THE_PLAN),
        "version_form": VersionForm(),
        **_share_context(request, plan),
        **_review_schedule_context(plan),
    }
    return render(request, "strategy/plan.html", context)


def _review_schedule_context(plan: Plan, form: ReviewScheduleForm | None = None) -> dict[str, Any]:
    today = local_today(plan.organisation)
    initial = {"every_months": plan.review_every_months, "next_on": plan.next_review_on}
    return {
        "review_due": evaluation.review_due(plan, today),
        "review_form": form or ReviewScheduleForm(initial=initial, today=today),
    }


def _plan_figures(steps: Steps, organisation: Organisation) -> dict[str, Any]:
    """The health check, the budget and the rhythm: the overview and the shared page show both."""
    checks = selectors.health_items(steps, selectors.country_of(organisation))
    return {
        "health": checks,
        "healthy": sum(item.ok for item in checks),
        "budget": rules.monthly_budget(steps),
        "rhythm": [
            (texts.NETWORKS[network], per_week, rules.silence_days(per_week))
            for network, per_week in rules.posts_per_week(steps).items()
        ],
    }


def _self_check(steps: Steps) -> dict[str, Any]:
    verdict = rules.verdict(steps)
    return {"verdict": verdict, "verdict_text": texts.VERDICTS[verdict.code]}


def _step_key(step: int) -> str:
    if not 1 <= step <= len(STEPS):
        raise Http404
    return STEPS[step - 1]


@org_view()
def plan_step_view(request: HttpRequest, membership: Membership, step: int) -> HttpResponse:
    key = _step_key(step)
    organisation = membership.organisation
    plan = selectors.plan_or_blank(organisation)
    if request.method == "POST":
        require_role(membership, EDITS_THE_PLAN)
        found = _editor(membership, plan, key, request.POST)
        if found.is_valid():
            services.plan_step_save(
                organisation=organisation, key=key, data=found.step_data(), by=membership
            )
            messages.success(request, _("Step %(number)s saved.") % {"number": step})
            return _after_save(organisation.slug, step, request.POST.get("action", ""))
    else:
        found = _editor(membership, plan, key)
    context = _step_context(membership, plan, step, found)
    return render(
        request, "strategy/step.html", context, status=422 if request.method == "POST" else 200
    )


def _editor(membership: Membership, plan: Plan, key: str, post: QueryDict | None = None) -> Editor:
    return member_editor(membership, key, plan.steps, selectors.step_initial(plan, key), post)


def _after_save(slug: str, step: int, action: str) -> HttpResponse:
    """Save and next, save and back, or save and stay."""
    target = {"next": step + 1, "previous": step - 1}.get(action, step)
    if not 1 <= target <= len(STEPS):
        return redirect("plan", org_slug=slug)
    return redirect("plan_step", org_slug=slug, step=target)


def _step_context(membership: Membership, plan: Plan, step: int, found: Editor) -> dict[str, Any]:
    key = STEPS[step - 1]
    steps = plan.steps
    country = selectors.country_of(membership.organisation)
    context: dict[str, Any] = {
        "membership": membership,
        "plan": plan,
        "step": step,
        "key": key,
        "text": texts.STEPS[key],
        "states": selectors.step_states(steps),
        "form": found.form,
        "rows": found.rows,
        "may_edit": membership.has_role(EDITS_THE_PLAN),
        "previous": step - 1 if step > 1 else None,
        "next": step + 1 if step < len(STEPS) else None,
        "networks": [texts.NETWORKS[n] for n in rules.networks_of(steps)],
    }
    if key == "goals":
        context.update(_self_check(steps))
        context["self_check_cost"] = rules.self_check_cost(steps)
    if key == "channels":
        context["advice"] = selectors.channel_advice(steps, country)
    if key == "content":
        context["warnings"] = [
            texts.content_warning(w.code, w.value) for w in rules.content_warnings(steps)
        ]
    if key == "rhythm":
        context["hours_needed"] = rules.hours_needed(steps)
    if key == "budget":
        context["budget"] = rules.monthly_budget(steps)
    if key == "kpis":
        goals = rules.goals_of(steps)
        context["indicator_examples"] = [
            (texts.GOALS[g], texts.INDICATOR_EXAMPLES[g]) for g in goals
        ]
    return context


@org_view()
def plan_versions_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    form = VersionForm(request.POST or None)
    if request.method == "POST":
        require_role(membership, EDITS_THE_PLAN)
        plan = selectors.plan_of(organisation)
        if plan is None:
            messages.error(request, _("Fill in at least one step before saving a version."))
            return redirect("plan", org_slug=organisation.slug)
        if form.is_valid():
            version = services.plan_version_save(
                plan=plan, by=membership, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Version %(number)s saved.") % {"number": version.number})
            return redirect("plan_versions", org_slug=organisation.slug)
    context = {
        "membership": membership,
        "versions": selectors.versions_of(organisation),
        "version_form": form,
        "may_edit": membership.has_role(EDITS_THE_PLAN),
    }
    return render(request, "strategy/versions.html", context, status=422 if form.errors else 200)


@org_view()
def plan_version_view(
    request: HttpRequest, membership: Membership, version_id: int
) -> HttpResponse:
    version = (
        PlanVersion.objects.filter(pk=version_id, organisation=membership.organisation)
        .select_related("created_by")
        .first()
    )
    if version is None:
        raise Http404
    context = {
        "membership": membership,
        "version": version,
        "summary": selectors.summary(version.steps),
    }
    record = version.data.get("review")
    if record:
        context.update(review.review_figures(record))
        context["kpis"] = [(line, None) for line in review.kpi_lines(record)]
        context["is_review"] = True
        context["may_edit"] = membership.has_role(EDITS_THE_PLAN)
        context["states"] = selectors.step_states(
            selectors.plan_or_blank(version.organisation).steps
        )
    return render(request, "strategy/version.html", context)


@org_view(EDITS_THE_PLAN)
def plan_review_schedule_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = selectors.plan_of(organisation)
    if request.method != "POST":
        return redirect("plan", org_slug=organisation.slug)
    if plan is None:
        messages.error(request, _("Fill in at least one step before planning the evaluation."))
        return redirect("plan", org_slug=organisation.slug)
    today = local_today(organisation)
    form = ReviewScheduleForm(request.POST, today=today)
    if form.is_valid():
        services.plan_review_schedule(
            plan=plan,
            every_months=form.cleaned_data["every_months"],
            next_on=form.cleaned_data["next_on"],
            by=membership,
        )
        messages.success(request, _("The next evaluation is planned."))
    else:
        for error in form.errors.get("next_on", []) + form.errors.get("every_months", []):
            messages.error(request, str(error))
    return redirect("plan", org_slug=organisation.slug)


def _share_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    share = sharing.active_share(plan)
    if share is None:
        return {"share": None, "share_url": ""}
    address = reverse("plan_shared", args=[sharing.share_token(share)])
    return {"share": share, "share_url": request.build_absolute_uri(address)}


def _pdf_response(plan: Plan, organisation: Organisation) -> HttpResponse:
    language = get_language() or "nl"
    pdf = export.plan_pdf(plan, organisation, language=language.split("-")[0])
    filename = export.pdf_filename(organisation, local_today(organisation))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view()
def plan_pdf_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    return _pdf_response(selectors.plan_or_blank(organisation), organisation)


@org_view(EDITS_THE_PLAN)
@require_POST
def plan_share_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    plan = selectors.plan_of(organisation)
    if plan is None:
        messages.error(request, _("Fill in at least one step before sharing the plan."))
    elif request.POST.get("action") == "revoke":
        sharing.plan_share_revoke(plan=plan, by=membership)
        messages.success(request, _("The shared address no longer works."))
    else:
        sharing.plan_share_create(plan=plan, by=membership)
        messages.success(request, _("New address made; an older one no longer works."))
    return redirect("plan", org_slug=organisation.slug)


def _shared_plan(token: str) -> Plan:
    plan = sharing.plan_for_token(token)
    if plan is None:
        raise Http404
    return plan


def _private(response: HttpResponse) -> HttpResponse:
    """A shared address must not leak through search engines, links clicked or caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def plan_shared_view(request: HttpRequest, token: str) -> HttpResponse:
    plan = _shared_plan(token)
    organisation = plan.organisation
    steps = plan.steps
    context = {
        "token": token,
        "plan": plan,
        "organisation": organisation,
        "summary": selectors.summary(steps),
        **_plan_figures(steps, organisation),
    }
    return _private(render(request, "strategy/shared.html", context))


def plan_shared_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    plan = _shared_plan(token)
    return _private(_pdf_response(plan, plan.organisation))


# --- the staff social media policy -------------------------------------------------------------


def _policy_language(code: str) -> str:
    if code not in dict(StaffPolicy.Language.choices):
        raise Http404
    return code


def _interface_language() -> str:
    code = (get_language() or "nl").split("-")[0]
    return code if code in dict(StaffPolicy.Language.choices) else "nl"


@org_view()
def plan_policy_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    language = _policy_language(request.GET.get("taal") or _interface_language())
    found = selectors.staff_policy_of(organisation, language)
    edited = is_edited(found)
    initial = selectors.staff_policy_choices(organisation, language)
    choices_form = PolicyChoicesForm(initial=initial, edited=edited)
    text_form = PolicyTextForm(initial={"text": found.text})
    if request.method == "POST":
        require_role(membership, EDITS_THE_PLAN)
        if request.POST.get("action") == "save":
            text_form = PolicyTextForm(request.POST)
            if text_form.is_valid():
                text = text_form.cleaned_data["text"]
                services.staff_policy_save(policy=found, text=text, by=membership)
                messages.success(request, _("Staff policy saved."))
                return _policy_page(organisation.slug, language)
        else:
            choices_form = PolicyChoicesForm(request.POST, edited=edited)
            if choices_form.is_valid():
                services.staff_policy_generate(
                    organisation=organisation,
                    language=language,
                    choices=choices_form.choices(),
                    by=membership,
                )
                messages.success(
                    request, _("A new draft is ready: read it through and adapt it where needed.")
                )
                return _policy_page(organisation.slug, language)
    plan = selectors.plan_or_blank(organisation)
    context = {
        "membership": membership,
        "language": language,
        "languages": StaffPolicy.Language.choices,
        "policy": found,
        "edited": edited,
        "preview": markdown_html(found.text),
        "choices_form": choices_form,
        "text_form": text_form,
        "may_edit": membership.has_role(EDITS_THE_PLAN),
        "missing": [
            (step, texts.POLICY_MISSING[key])
            for step, key in selectors.staff_policy_missing(plan.steps)
        ],
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "strategy/policy.html", context, status=status)


def _policy_page(slug: str, language: str) -> HttpResponse:
    return redirect(reverse("plan_policy", args=[slug]) + f"?taal={language}")


def _stored_policy(membership: Membership, lang: str) -> StaffPolicy:
    """The policy in that language, if it has a text to export."""
    found = (
        StaffPolicy.objects.filter(organisation=membership.organisation, language=lang)
        .exclude(text="")
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


@org_view()
def plan_policy_markdown_view(
    request: HttpRequest, membership: Membership, lang: str
) -> HttpResponse:
    found = _stored_policy(membership, _policy_language(lang))
    response = HttpResponse(found.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(found, "md")}"'
    return response


@org_view()
def plan_policy_pdf_view(request: HttpRequest, membership: Membership, lang: str) -> HttpResponse:
    found = _stored_policy(membership, _policy_language(lang))
    response = HttpResponse(policy_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(found, "pdf")}"'
    return response


@org_view()
def plan_policy_print_view(request: HttpRequest, membership: Membership, lang: str) -> HttpResponse:
    found = _stored_policy(membership, _policy_language(lang))
    context = {"membership": membership, "policy": found, "html": markdown_html(found.text, top=1)}
    return render(request, "strategy/policy_print.html", context)
