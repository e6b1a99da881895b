"""Background work of the social app (django-tasks: run by `besace db_worker`)."""

from besace.core.tasks import retried_task
from besace.social import notifications


@retried_task
def notifications_email_task(notification_ids: list[int]) -> None:
    notifications.notifications_send_now(notification_ids)


@retried_task
def daily_digests_task() -> int:
    return notifications.daily_digests_send()
