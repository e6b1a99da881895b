"""An issuer's statistics: awards over time, what recipients did with them, and how many shared them.

Every count is aggregated by the database, in a fixed number of queries whatever the number of badges or
awards. Shares are what Besace sees: a recipient who made the badge public in their backpack, and one who
followed a share button (a social network, LinkedIn's "Add to profile") of Besace's share panel.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from besace.core.charts import Chart, Point, column_chart, row_chart
from besace.issuing.models import Assertion, BadgeClass, Issuer

MONTHS = 12
_NOT_REVOKED = Q(assertions__revoked_at__isnull=True)
_ENTRY = "assertions__backpack_entries__"


@dataclass(frozen=True)
class Counts:
    awarded: int = 0
    accepted: int = 0
    pending: int = 0
    declined: int = 0
    revoked: int = 0
    made_public: int = 0
    shared: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))


def _counted(badge_classes: QuerySet[BadgeClass]) -> QuerySet[BadgeClass]:
    state = "assertions__recipient_state"
    return badge_classes.annotate(
        awarded=Count("assertions", distinct=True),
        accepted=Count("assertions", filter=_NOT_REVOKED & Q(**{state: "accepted"}), distinct=True),
        pending=Count("assertions", filter=_NOT_REVOKED & Q(**{state: "pending"}), distinct=True),
        declined=Count("assertions", filter=_NOT_REVOKED & Q(**{state: "declined"}), distinct=True),
        revoked=Count("assertions", filter=~_NOT_REVOKED, distinct=True),
        made_public=Count(
            _ENTRY + "id", filter=_NOT_REVOKED & Q(**{_ENTRY + "visibility": "public"}), distinct=True
        ),
        shared=Count(_ENTRY + "id", filter=Q(**{_ENTRY + "shared_at__isnull": False}), distinct=True),
    )


def _counts_of(badge_class: BadgeClass) -> Counts:
    return Counts(*(getattr(badge_class, name) for name in Counts.__dataclass_fields__))


def _month_start(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def _months_back(months: int) -> list[datetime.date]:
    """The first day of each of the last `months` months, this one last."""
    month = _month_start(timezone.now())
    firsts = [month]
    for _index in range(months - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        firsts.append(month)
    return firsts[::-1]


def awards_by_month(
    assertions: QuerySet[Assertion], *, months: int = MONTHS
) -> list[tuple[datetime.date, int]]:
    """How many of `assertions` were issued in each of the last months, months without any included."""
    firsts = _months_back(months)
    start = timezone.make_aware(datetime.datetime.combine(firsts[0], datetime.time()))
    per_month = (
        assertions.filter(issued_on__gte=start)
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[datetime.date, int] = {}
    for row in per_month:
        first = _month_start(row["month"])
        counts[first] = counts.get(first, 0) + row["count"]
    return [(first, counts.get(first, 0)) for first in firsts]


def awards_over_time_chart(*, id: str, title: str, assertions: QuerySet[Assertion]) -> Chart:
    per_month = awards_by_month(assertions)
    points = [
        Point(
            label=formats.date_format(first, "M"),
            value=count,
            sublabel=str(first.year) if index == 0 or first.month == 1 else "",
        )
        for index, (first, count) in enumerate(per_month)
    ]
    return column_chart(id=id, title=title, points=points)


def acceptance_chart(*, id: str, counts: Counts) -> Chart:
    return row_chart(
        id=id,
        title=_("What recipients did with the badge"),
        points=[
            Point(_("Accepted"), counts.accepted, "accepted"),
            Point(_("Pending"), counts.pending, "pending"),
            Point(_("Declined"), counts.declined, "declined"),
            Point(_("Revoked"), counts.revoked, "revoked"),
        ],
    )


def shares_chart(*, id: str, counts: Counts) -> Chart:
    return row_chart(
        id=id,
        title=_("Recipients who share the badge"),
        points=[
            Point(_("Accepted"), counts.accepted, "accepted"),
            Point(_("Made it public"), counts.made_public, "public"),
            Point(_("Shared it"), counts.shared, "shared"),
        ],
    )


@dataclass(frozen=True)
class BadgeClassStatistics:
    badge_class: BadgeClass
    counts: Counts


@dataclass(frozen=True)
class IssuerStatistics:
    totals: Counts
    badge_classes: list[BadgeClassStatistics]
    awards_chart: Chart
    acceptance_chart: Chart
    shares_chart: Chart


def issuer_statistics(issuer: Issuer) -> IssuerStatistics:
    """Three queries: the counts of each badge class, the awards per month, nothing per badge or award."""
    rows = [
        BadgeClassStatistics(badge_class, _counts_of(badge_class))
        for badge_class in _counted(issuer.badge_classes.order_by("name", "id"))
    ]
    totals = sum((row.counts for row in rows), Counts())
    return IssuerStatistics(
        totals=totals,
        badge_classes=rows,
        awards_chart=awards_over_time_chart(
            id="issuer-awards",
            title=_("Awards per month"),
            assertions=Assertion.objects.filter(badge_class__issuer=issuer),
        ),
        acceptance_chart=acceptance_chart(id="issuer-acceptance", counts=totals),
        shares_chart=shares_chart(id="issuer-shares", counts=totals),
    )


@dataclass(frozen=True)
class BadgeClassCharts:
    counts: Counts
    awards_chart: Chart
    acceptance_chart: Chart
    shares_chart: Chart


def badge_class_statistics(badge_class: BadgeClass) -> BadgeClassCharts:
    counts = _counts_of(_counted(BadgeClass.objects.filter(pk=badge_class.pk)).get())
    return BadgeClassCharts(
        counts=counts,
        awards_chart=awards_over_time_chart(
            id="badge-awards", title=_("Awards per month"), assertions=badge_class.assertions.all()
        ),
        acceptance_chart=acceptance_chart(id="badge-acceptance", counts=counts),
        shares_chart=shares_chart(id="badge-shares", counts=counts),
    )


def recipients_over_time_chart(badge_class: BadgeClass) -> Chart:
    """For the public badge page: how many received the badge each month (declined and revoked awards
    left out). Counts only: who they are stays as each recipient chose (the gallery lists the public ones)."""
    return awards_over_time_chart(
        id="badge-recipients",
        title=_("Recipients per month"),
        assertions=badge_class.assertions.filter(revoked_at__isnull=True).exclude(
            recipient_state=Assertion.RecipientState.DECLINED
        ),
    )
