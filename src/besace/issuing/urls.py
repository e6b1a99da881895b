from django.urls import path

from besace.issuing import views

app_name = "issuing"

urlpatterns = [
    path("", views.issuer_list, name="issuers"),
    path("<slug:public_id>/", views.issuer_detail, name="issuer"),
    path("<slug:public_id>/statistics/", views.issuer_statistics, name="issuer_statistics"),
    path("<slug:public_id>/edit/", views.issuer_edit, name="issuer_edit"),
    path("<slug:public_id>/staff/", views.issuer_staff, name="issuer_staff"),
    path("<slug:public_id>/keys/rotate/", views.issuer_keys_rotate, name="issuer_keys_rotate"),
    path("<slug:public_id>/badges/new/", views.badge_class_create, name="badgeclass_create"),
    path("badges/<slug:public_id>/", views.badge_class_detail, name="badgeclass"),
    path("badges/<slug:public_id>/award/", views.award, name="award"),
    path("badges/<slug:public_id>/award-csv/", views.award_csv, name="award_csv"),
    path("award-jobs/<slug:public_id>/", views.award_job, name="award_job"),
    path("award-jobs/<slug:public_id>/resume/", views.award_job_resume, name="award_job_resume"),
    path("awards/<slug:public_id>/revoke/", views.revoke, name="revoke"),
    path("awards/<slug:public_id>/resend-email/", views.award_email_resend, name="award_email_resend"),
]
