from django.urls import path

from besace.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.page_list, name="list"),  # the earner's own pages
    path("new/", views.page_new, name="new"),
    # What visitors see, as the page's visibility allows
    path("<slug:public_id>/", views.page_public, name="page"),
    path("<slug:public_id>/embed", views.page_embed, name="embed"),
    path("<slug:public_id>/unlock/", views.page_unlock, name="unlock"),
    path("<slug:public_id>/files/<int:pk>/", views.block_file, name="file"),
    # The owner's editor
    path("<slug:public_id>/edit/", views.page_edit, name="edit"),
    path("<slug:public_id>/settings/", views.page_settings, name="settings"),
    path("<slug:public_id>/delete/", views.page_delete, name="delete"),
    path("<slug:public_id>/blocks/", views.block_add, name="block_add"),
    path("<slug:public_id>/blocks/<int:pk>/", views.block_edit, name="block_edit"),
    path("<slug:public_id>/blocks/<int:pk>/delete/", views.block_delete, name="block_delete"),
    path("<slug:public_id>/blocks/<int:pk>/move/", views.block_move, name="block_move"),
]
