"""Background work of the social app (django-tasks: run by `besace db_worker`)."""

from django_tasks import task

from besace.social import notifications


@task()
def notifications_email_task(notification_ids: list[int]) -> None:
    notifications.notifications_send_now(notification_ids)


@task()
def daily_digests_task() -> int:
    return notifications.daily_digests_send()
