from django.urls import path

from besace.devmail import views

app_name = "devmail"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<str:message_id>/", views.message, name="message"),
]
