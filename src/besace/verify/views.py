"""The public "Verify a badge" page: anyone, without an account."""

from django.shortcuts import render

from besace.openbadges.verify.model import VerificationError
from besace.openbadges.verify.serialise import result_to_json
from besace.openbadges.verify.verifier import verify_badge
from besace.verify.fetchers import badge_fetcher
from besace.verify.forms import BadgeSourceForm
from besace.verify.presentation import checks_for_display


def verify_page(request):
    form = BadgeSourceForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = verify_badge(form.badge_input(), fetcher=badge_fetcher())
        except VerificationError as error:
            form.add_error(None, str(error))
            status = 400
        else:
            data = result_to_json(result)
            context.update(result=data, checks=checks_for_display(data["checks"]))
    elif request.method == "POST":
        status = 400
    return render(request, "verify/verify.html", context, status=status)
