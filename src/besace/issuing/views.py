"""Issuer staff pages. Each view checks permission (besace.access), validates, calls a service."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from besace import access
from besace.issuing import award_jobs, emails, services, signing, statistics
from besace.issuing.csv_awards import award_csv_parse, csv_decode
from besace.issuing.forms import (
    AlignmentFormSet,
    AwardCsvForm,
    AwardForm,
    BadgeClassForm,
    IssuerForm,
    RevokeForm,
    StaffForm,
)
from besace.issuing.models import Assertion, AwardJob, BadgeClass, Issuer, IssuerStaff
from besace.issuing.selectors import award_job_email_counts, badge_class_assertions, issuer_badge_classes

CSV_SESSION_KEY = "besace_award_csv"
# The preview shows the first rows of a file (all of them are checked): thousands would make a huge page.
CSV_PREVIEW_ROWS = 100
AWARD_JOB_REFRESH_SECONDS = 2


def _role_check(request, issuer: Issuer, permission: str) -> str:
    """The user's staff role on the issuer, once checked that it allows `permission`."""
    role = access.issuer_role(request.user, issuer)
    if not access.role_can(role, "issuer.view"):
        raise Http404  # outsiders do not learn that the issuer has a management page
    if not access.role_can(role, permission):
        raise PermissionDenied
    return role


def _assertion_for(request, public_id: str, permission: str) -> Assertion:
    """The award, once checked that the signed-in user may do `permission` for its issuer."""
    assertion = get_object_or_404(
        Assertion.objects.select_related("badge_class__issuer"), public_id=public_id
    )
    _role_check(request, assertion.badge_class.issuer, permission)
    return assertion


def _issuer_for(request, public_id: str, permission: str) -> Issuer:
    issuer = get_object_or_404(Issuer, public_id=public_id)
    _role_check(request, issuer, permission)
    return issuer


def _badge_class_for(request, public_id: str, permission: str) -> BadgeClass:
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), public_id=public_id)
    _role_check(request, badge_class.issuer, permission)
    return badge_class


@login_required
def issuer_list(request):
    issuers = access.issuers_for_staff(request.user).annotate(
        badge_count=Count("badge_classes", distinct=True)
    )
    form = IssuerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        issuer = services.issuer_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Issuer “%(name)s” created.") % {"name": issuer.name})
        return redirect("issuing:issuer", issuer.public_id)
    return render(request, "issuing/issuer_list.html", {"issuers": issuers, "form": form})


@login_required
def issuer_detail(request, public_id: str):
    issuer = get_object_or_404(Issuer, public_id=public_id)
    role = _role_check(request, issuer, "issuer.view")
    context = {
        "issuer": issuer,
        "badge_classes": issuer_badge_classes(issuer),
        "memberships": issuer.memberships.select_related("user"),
        "role": IssuerStaff.Role(role).label,
        "can_edit_badges": access.role_can(role, "badgeclass.edit"),
        "can_manage": access.role_can(role, "issuer.edit"),
        "staff_form": StaffForm(),
        "signing_keys": issuer.signing_keys.all(),
    }
    return render(request, "issuing/issuer_detail.html", context)


@login_required
def issuer_statistics(request, public_id: str):
    issuer = _issuer_for(request, public_id, "issuer.view")
    context = {"issuer": issuer, "statistics": statistics.issuer_statistics(issuer)}
    return render(request, "issuing/issuer_statistics.html", context)


@login_required
def issuer_edit(request, public_id: str):
    issuer = _issuer_for(request, public_id, "issuer.edit")
    form = IssuerForm(request.POST or None, request.FILES or None, instance=issuer)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ["name", "description", "url", "email"]}
        # Without a new upload, cleaned_data holds the current image: nothing to store again.
        image = form.cleaned_data["image"] if "image" in form.changed_data else None
        services.issuer_update(issuer=issuer, actor=request.user, image=image, **fields)
        messages.success(request, _("Issuer saved."))
        return redirect("issuing:issuer", issuer.public_id)
    return render(request, "issuing/issuer_edit.html", {"issuer": issuer, "form": form})


@login_required
@require_POST
def issuer_staff(request, public_id: str):
    issuer = _issuer_for(request, public_id, "issuer.staff")
    form = StaffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address and role."))
        return redirect("issuing:issuer", issuer.public_id)
    user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
    role = IssuerStaff.Role(form.cleaned_data["role"])
    if user is None:
        messages.error(request, _("No account uses this e-mail address; ask the person to sign up first."))
        return redirect("issuing:issuer", issuer.public_id)
    try:
        services.issuer_staff_set(issuer=issuer, user=user, role=role, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(email)s is now %(role)s.") % {"email": user.email, "role": role.label})
    return redirect("issuing:issuer", issuer.public_id)


@login_required
@require_POST
def issuer_keys_rotate(request, public_id: str):
    issuer = _issuer_for(request, public_id, "issuer.edit")
    signing.issuer_keys_rotate(issuer=issuer, actor=request.user)
    messages.success(request, _("New signing keys made; the earlier ones stay published."))
    return redirect("issuing:issuer", issuer.public_id)


@login_required
def badge_class_create(request, public_id: str):
    issuer = _issuer_for(request, public_id, "badgeclass.edit")
    form = BadgeClassForm(request.POST or None, request.FILES or None)
    alignments = AlignmentFormSet(request.POST or None, prefix="alignment")
    if request.method == "POST" and form.is_valid() and alignments.is_valid():
        alignment_data = [a for a in alignments.cleaned_data if a]
        try:
            badge_class = services.badge_class_create(
                issuer=issuer, actor=request.user, alignments=alignment_data, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Badge “%(name)s” created.") % {"name": badge_class.name})
            return redirect("issuing:badgeclass", badge_class.public_id)
    context = {"issuer": issuer, "form": form, "alignments": alignments}
    return render(request, "issuing/badgeclass_form.html", context)


AWARDS_PER_PAGE = 100


@login_required
def badge_class_detail(request, public_id: str):
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), public_id=public_id)
    role = _role_check(request, badge_class.issuer, "issuer.view")
    context = {
        "badge_class": badge_class,
        "issuer": badge_class.issuer,
        # Awards by the page: a badge class may have tens of thousands of them.
        "page": Paginator(badge_class_assertions(badge_class), AWARDS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "award_form": AwardForm(),
        "csv_form": AwardCsvForm(),
        "can_award": access.role_can(role, "assertion.award"),
        "can_revoke": access.role_can(role, "assertion.revoke"),
        "award_jobs": badge_class.award_jobs.defer("rows")[:5],
        "statistics": statistics.badge_class_statistics(badge_class),
    }
    return render(request, "issuing/badgeclass_detail.html", context)


@login_required
def award(request, public_id: str):
    badge_class = _badge_class_for(request, public_id, "assertion.award")
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assertion = services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(**form.cleaned_data),
            actor=request.user,
            language=get_language(),
        )
        messages.success(
            request,
            _("Badge awarded to %(email)s; an e-mail is on its way.") % {"email": assertion.recipient_email},
        )
        return redirect("issuing:badgeclass", badge_class.public_id)
    return render(request, "issuing/award_form.html", {"badge_class": badge_class, "form": form})


def _csv_preview_pop(request, badge_class: BadgeClass) -> str | None:
    """The previewed CSV text for this badge class, taken out of the session: one preview, one
    confirmation, so a second click (or a replayed request) finds nothing to award."""
    stored = request.session.pop(CSV_SESSION_KEY, None)
    if isinstance(stored, dict) and stored.get("badge_class") == badge_class.public_id:
        text = stored.get("text")
        return text if isinstance(text, str) else None
    return None


@login_required
def award_csv(request, public_id: str):
    """Upload, preview (every row checked), then confirm: nothing is created before confirmation."""
    badge_class = _badge_class_for(request, public_id, "assertion.award")
    if request.method == "POST" and "confirm" in request.POST:
        text = _csv_preview_pop(request, badge_class)
        if text is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("issuing:award_csv", badge_class.public_id)
        # Checked again: what is awarded is exactly what a fresh preview would accept.
        parsed = award_csv_parse(text)
        if parsed.errors:
            context = {"badge_class": badge_class, "form": AwardCsvForm(), "parsed": parsed}
            return render(request, "issuing/award_csv.html", context)
        job = award_jobs.award_job_create(
            badge_class=badge_class, awards=parsed.awards, actor=request.user, language=get_language()
        )
        return redirect("issuing:award_job", job.public_id)
    form = AwardCsvForm(request.POST or None, request.FILES or None)
    parsed = None
    if request.method == "POST":
        # A new upload replaces the previous preview, even when it fails: never confirm a stale file.
        request.session.pop(CSV_SESSION_KEY, None)
        if form.is_valid():
            text = csv_decode(form.cleaned_data["file"].read())
            parsed = award_csv_parse(text)
            if not parsed.errors:
                request.session[CSV_SESSION_KEY] = {"badge_class": badge_class.public_id, "text": text}
    context = {"badge_class": badge_class, "form": form, "parsed": parsed, "preview_rows": CSV_PREVIEW_ROWS}
    return render(request, "issuing/award_csv.html", context)


def _award_job_for(request, public_id: str) -> AwardJob:
    job = get_object_or_404(
        AwardJob.objects.defer("rows").select_related("badge_class__issuer"), public_id=public_id
    )
    _role_check(request, job.badge_class.issuer, "assertion.award")
    return job


@login_required
@require_safe
def award_job(request, public_id: str):
    """The progress of an award from a CSV file, then its result; the page follows the award meanwhile."""
    job = _award_job_for(request, public_id)
    context = {
        "job": job,
        "badge_class": job.badge_class,
        "finished": job.state == AwardJob.State.DONE,
        "resumable": award_jobs.award_job_resumable(job),
        "email_counts": award_job_email_counts(job),
        "refresh_seconds": AWARD_JOB_REFRESH_SECONDS,
    }
    return render(request, "issuing/award_job.html", context)


@login_required
@require_POST
def award_job_resume(request, public_id: str):
    job = _award_job_for(request, public_id)
    if award_jobs.award_job_resume(job=job, actor=request.user):
        messages.success(request, _("The award goes on where it stopped."))
    return redirect("issuing:award_job", job.public_id)


@login_required
@require_POST
def revoke(request, public_id: str):
    assertion = _assertion_for(request, public_id, "assertion.revoke")
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.assertion_revoke(assertion=assertion, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(
            request, _("The badge awarded to %(email)s is revoked.") % {"email": assertion.recipient_email}
        )
    else:
        messages.error(request, _("Give a reason for the revocation."))
    return redirect("issuing:badgeclass", assertion.badge_class.public_id)


@login_required
@require_POST
def award_email_resend(request, public_id: str):
    assertion = _assertion_for(request, public_id, "assertion.award")
    if emails.award_email_resend(assertion=assertion, actor=request.user):
        messages.success(
            request, _("The e-mail to %(email)s is on its way again.") % {"email": assertion.recipient_email}
        )
    else:
        messages.info(request, _("This e-mail is already sent or on its way."))
    return redirect("issuing:badgeclass", assertion.badge_class.public_id)
