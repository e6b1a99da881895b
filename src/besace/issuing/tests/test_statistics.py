"""The issuer's statistics page, the charts on the badge's staff page and the public badge page."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from besace.backpack import services as backpack_services
from besace.backpack import sharing
from besace.backpack.models import Visibility
from besace.demo.images import badge_png
from besace.issuing import services, statistics


@pytest.fixture
def awarded(award, badge_class, make_user, owner):
    """Six awards: 3 accepted (2 public, 1 of them shared), 1 pending, 1 declined, 1 revoked."""
    entries = []
    for index in range(3):
        user = make_user(f"accepted{index}@example.org")
        entries.append(backpack_services.assertion_accept(assertion=award(user.email), user=user))
    for entry in entries[:2]:
        entry.visibility = Visibility.PUBLIC
        entry.save(update_fields=["visibility"])
    sharing.badge_shared(entry=entries[0], network="linkedin-profile", actor=entries[0].owner)
    award("pending@example.org")
    backpack_services.assertion_decline(assertion=award("declined@example.org"))
    services.assertion_revoke(assertion=award("revoked@example.org"), reason="Mistake", actor=owner)
    return entries


def _another_badge_class(issuer, owner, name):
    return services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name=name,
        description=".",
        image=ContentFile(badge_png(), name="b.png"),
        criteria_text="Pass.",
    )


def test_it_counts_acceptance_and_shares_per_badge_and_in_all(awarded, issuer, owner, badge_class, award):
    other = _another_badge_class(issuer, owner, "SQL")
    award("someone@example.org", badge_class=other)

    result = statistics.issuer_statistics(issuer)

    by_name = {row.badge_class.name: row.counts for row in result.badge_classes}
    assert by_name["Python"] == statistics.Counts(
        awarded=6, accepted=3, pending=1, declined=1, revoked=1, made_public=2, shared=1
    )
    assert by_name["SQL"] == statistics.Counts(awarded=1, pending=1)
    assert result.totals.awarded == 7 and result.totals.pending == 2
    this_month = result.awards_chart.bars[-1].point
    assert this_month.value == 7 and len(result.awards_chart.bars) == statistics.MONTHS
    assert [bar.point.value for bar in result.acceptance_chart.bars] == [3, 2, 1, 1]
    assert [bar.point.value for bar in result.shares_chart.bars] == [3, 2, 1]


def test_a_shared_badge_counts_once_however_often_it_is_shared(awarded, badge_class):
    sharing.badge_shared(entry=awarded[0], network="x", actor=awarded[0].owner)
    assert statistics.badge_class_statistics(badge_class).counts.shared == 1


def test_awards_fall_in_their_month_and_empty_months_show_zero(award, badge_class):
    now = timezone.now()
    award("old@example.org", issued_on=now.replace(day=1) - timezone.timedelta(days=40))
    award("new@example.org")
    months = statistics.awards_by_month(badge_class.assertions.all())
    assert [count for _month, count in months[-3:]] == [1, 0, 1]


def test_the_statistics_take_the_same_queries_for_many_badges_and_awards(issuer, owner, badge_class, award):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            statistics.issuer_statistics(issuer)
        return len(captured)

    award("one@example.org")
    few = queries()
    for index in range(5):
        other = _another_badge_class(issuer, owner, f"Badge {index}")
        for person in range(3):
            award(f"p{index}-{person}@example.org", badge_class=other)
    assert queries() == few == 2


def test_the_statistics_page_shows_the_charts_with_their_numbers_in_french(client, owner, issuer, awarded):
    client.force_login(owner)
    issuer_page = client.get(reverse("issuing:issuer", args=[issuer.public_id])).content.decode()
    url = reverse("issuing:issuer_statistics", args=[issuer.public_id])
    assert f'href="{url}"' in issuer_page

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert page.count('<svg class="chart-') == 3 and page.count('role="img"') == 3
    assert 'style="' not in page and "<script" not in page.split("</header>")[1]
    assert re.search(r'<desc id="issuer-acceptance-desc">[^<]*: 3;[^<]*: 1</desc>', page)
    assert '<text class="chart-value"' in page and ">3</text>" in page
    assert "besace/charts.css" in page
    assert re.search(r'\bx="\d+,\d', page) is None  # decimals in SVG stay points in French


def test_the_badge_staff_page_shows_its_own_statistics(client, owner, badge_class, awarded):
    client.force_login(owner)
    page = client.get(reverse("issuing:badgeclass", args=[badge_class.public_id])).content.decode()
    assert 'id="statistics"' in page
    assert re.search(r'<desc id="badge-shares-desc">[^<]*: 3;[^<]*: 2;[^<]*: 1</desc>', page)


@pytest.mark.parametrize("who", ["outsider", None])
def test_others_do_not_see_an_issuers_statistics(request, client, who, issuer):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("issuing:issuer_statistics", args=[issuer.public_id]))
    assert response.status_code == (404 if who else 302)


def test_the_public_badge_page_shows_its_recipients_over_time_without_revoked_or_declined(
    client, badge_class, awarded
):
    page = client.get(badge_class.public_url, HTTP_ACCEPT="text/html").content.decode()
    assert 'id="recipients-over-time"' in page
    this_month = re.search(r'<desc id="badge-recipients-desc">([^<]*)</desc>', page).group(1).split("; ")[-1]
    assert this_month.endswith(": 4")  # six awards, one revoked, one declined
