from django.urls import path

from besace.help import views
from besace.help.topics import TOPICS, url_name

app_name = "help"

# One pattern per topic, without parameters: an unknown topic is a plain 404.
urlpatterns = [
    path("", views.help_page, {"topic": "index"}, name="index"),
    *(path(f"{topic}/", views.help_page, {"topic": topic}, name=url_name(topic)) for topic in TOPICS),
]
