"""Inspection pages: the phone-first field page (inspectors, acceptors), the overview for the city
office and clerks, rectifications, the scoped photo response and the service worker."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.filtering import page_filtered
from counties.decorators import role_required
from counties.models import County
from counties.plan_choice import plan_for_request, redirect_in_year
from counties.selectors import scope_for_user
from counties.templatetags.heating import draw_seed
from inspections import selectors, services
from inspections.filters import RectificationFilter
from inspections.forms import ReasonForm, ResolveForm, SampleDrawForm
from inspections.models import RectificationStatus, VisitFinding
from inspections.permissions import DrawsSamples


def photo_response(photo, *, thumb: bool):
    """The photo bytes after the caller's scope check; never cached by shared caches."""
    field = photo.thumbnail if thumb else photo.image
    prefix = settings.INSPECTION_PHOTO_ACCEL_PREFIX
    if prefix:
        # nginx serves the file from an `internal` location; this view has done the scope check.
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + field.name
    else:
        try:
            handle = field.storage.open(field.name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("未找到该照片。")) from None
        response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def service_worker(request):
    """The service worker, from the project's own static file, served at /inspections/ so that its
    scope covers the field page (a worker under /static/ could only control /static/)."""
    path = finders.find("js/inspections-sw.js")
    if path is None and staticfiles_storage.exists("js/inspections-sw.js"):
        path = staticfiles_storage.path("js/inspections-sw.js")
    if path is None:
        raise Http404
    with open(path, "rb") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/inspections/"
    return response


@require_GET
@role_required
def home(request):
    scope = scope_for_user(request.user)
    plan = plan_for_request(request)
    if scope.is_field:
        return render(
            request,
            "inspections/field.html",
            {
                "plan": plan,
                "kind": "acceptance" if scope.is_acceptor else "inspection",
                "findings": VisitFinding.choices,
            },
        )
    if scope.role in selectors.SUMMARY_ROLES:
        samples = []
        if scope.role in selectors.SAMPLE_READ_ROLES:
            for sample in selectors.samples_for_user(user=request.user, plan=plan).prefetch_related(
                "counties", "inspectors"
            ):
                samples.append(
                    {"sample": sample, "progress": selectors.sample_progress(user=request.user, sample=sample)}
                )
        return render(
            request,
            "inspections/overview.html",
            {
                "plan": plan,
                "samples": samples,
                "summary": selectors.inspection_summary(user=request.user, plan=plan),
                "findings": VisitFinding.choices,
                "can_draw": scope.role in selectors.SAMPLE_WRITE_ROLES,
                "can_export": scope.role in selectors.EXPORT_ROLES,
                "draw_form": SampleDrawForm(),
            },
        )
    raise PermissionDenied(_("您的角色无权执行该操作。"))


@require_POST
@role_required
def sample_draw(request):
    plan = plan_for_request(request)
    DrawsSamples.check(request.user)
    form = SampleDrawForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sample = services.sample_draw(
                user=request.user,
                plan=plan,
                county_codes=[c.code for c in data["counties"]],
                rate=data["rate"],
                minimum=data["minimum"],
                household_status=data["status"],
                stratify=data["stratify"],
                seed=data["seed"],
                inspectors=[u.username for u in data["inspectors"]],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("已抽取样本 #%(id)d：%(n)d 户，随机种子 %(seed)s。")
                % {"id": sample.pk, "n": sample.entries.count(), "seed": draw_seed(sample.seed)},
            )
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect_in_year(request, "inspections-home")


@require_GET
@role_required
def sample_verify(request, pk: int):
    """重新抽取核对 as a page (the API answers the same check in JSON): the draw re-run over today's
    roster, and whether it still gives the stored households."""
    plan = plan_for_request(request)
    sample = selectors.sample_get_for_user(user=request.user, plan=plan, pk=pk)
    return render(
        request,
        "inspections/sample_verify.html",
        {"plan": plan, "sample": sample, "result": services.sample_verify(sample=sample)},
    )


@require_GET
@role_required
def rectification_list(request):
    plan = plan_for_request(request)
    items = selectors.rectifications_for_user(user=request.user, plan=plan)
    items, filter_errors = page_filtered(RectificationFilter, request.GET, items, names=("county", "status"))
    county, state = request.GET.get("county", ""), request.GET.get("status", "")
    today = timezone.localdate()
    rows = [{"item": r, "overdue": selectors.is_overdue(r, today)} for r in items[:500]]
    return render(
        request,
        "inspections/rectifications.html",
        {
            "plan": plan,
            "rows": rows,
            "statuses": RectificationStatus.choices,
            "status": state,
            "county": county,
            "filter_errors": filter_errors,
            "counties": County.objects.filter(
                pk__in=selectors.rectifications_for_user(user=request.user, plan=plan).values("county_id")
            ),
        },
    )


@role_required
def rectification_detail(request, pk: int):
    plan = plan_for_request(request)
    item = selectors.rectification_get_for_user(user=request.user, plan=plan, pk=pk)
    scope = scope_for_user(request.user)
    resolve_form, reason_form = ResolveForm(), ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "resolve":
                resolve_form = ResolveForm(request.POST, request.FILES)
                if resolve_form.is_valid():
                    services.rectification_resolve(
                        user=request.user,
                        plan=plan,
                        pk=pk,
                        note=resolve_form.cleaned_data["note"],
                        photos=request.FILES.getlist("photos"),
                    )
                    messages.success(request, _("整改情况已提交，等待市清洁取暖办销号。"))
                    return redirect_in_year(request, "inspections-rectification", pk=pk)
            elif action == "close":
                services.rectification_close(user=request.user, plan=plan, pk=pk)
                messages.success(request, _("已销号。"))
                return redirect_in_year(request, "inspections-rectification", pk=pk)
            elif action == "return":
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    services.rectification_return(
                        user=request.user, plan=plan, pk=pk, reason=reason_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("已退回县级整改。"))
                    return redirect_in_year(request, "inspections-rectification", pk=pk)
            else:
                messages.error(request, _("未知的操作。"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        item.refresh_from_db()
    open_states = (RectificationStatus.OPEN, RectificationStatus.RETURNED)
    return render(
        request,
        "inspections/rectification_detail.html",
        {
            "plan": plan,
            "item": item,
            "overdue": selectors.is_overdue(item),
            "visit": item.visit,
            "can_resolve": scope.role in selectors.RECT_RESOLVE_ROLES and item.status in open_states,
            "can_decide": scope.role in selectors.RECT_CLOSE_ROLES and item.status == RectificationStatus.SUBMITTED,
            "resolve_form": resolve_form,
            "reason_form": reason_form,
            "show_photos": scope.role in selectors.VISIT_READ_ROLES,
        },
    )
