from django.urls import path

from esafety.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/review/", views.alert_review, name="alert_review"),
    path("alerts/<int:pk>/incident/", views.alert_incident, name="alert_incident"),
    path("people/<int:pk>/", views.person_summary, name="person"),
    path("enhanced/", views.enhanced_list, name="enhanced"),
    path("enhanced/<int:pk>/authorise/", views.enhanced_authorise, name="enhanced_authorise"),
    path("enhanced/<int:pk>/end/", views.enhanced_end, name="enhanced_end"),
    path("lexicon/", views.lexicon, name="lexicon"),
    path("lexicon/<str:kind>/<int:pk>/remove/", views.lexicon_remove, name="lexicon_remove"),
    path("allow-list/", views.allow_list, name="allow_list"),
    path("allow-list/proposals/<slug:slug>/", views.allow_proposal, name="allow_proposal"),
    path("allow-list/<int:pk>/remove/", views.allow_remove, name="allow_remove"),
    path("upload/", views.upload, name="upload"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_form, name="source_new"),
    path("sources/<int:pk>/", views.source_form, name="source_edit"),
    path("sources/<int:pk>/active/", views.source_active, name="source_active"),
    path("sources/<int:pk>/test/", views.source_test, name="source_test"),
    path("settings/", views.monitoring_settings, name="settings"),
]
