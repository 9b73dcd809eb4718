from django.urls import path

from esafety.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.register, name="register"),
    path("print/", views.print_list, name="print"),
    path("disagreements/", views.disagreements, name="disagreements"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/record/", views.record, name="record"),
    path("answers/<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.new_campaign, name="new_campaign"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/renew/", views.renew_campaign, name="renew"),
    path("campaigns/<int:campaign_id>/close/", views.close_campaign, name="close"),
    path("answer/<str:token>/", views.answer, name="answer"),
]
