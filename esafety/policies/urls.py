from django.urls import path

from esafety.policies import views

app_name = "policies"
# The fixed words come first: a school's public pages live at /policies/<school>/..., so a school slug may not be
# one of them (see docs/policies.md).
urlpatterns = [
    path("", views.public_index, name="public"),
    path("sign/<str:token>/", views.sign, name="sign"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:request_id>/", views.acknowledge, name="acknowledge"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.new_policy, name="new_policy"),
    path("manage/<int:policy_id>/", views.policy_detail, name="policy"),
    path("manage/<int:policy_id>/versions/new/", views.new_version, name="new_version"),
    path("manage/<int:policy_id>/diff/", views.diff, name="diff"),
    path("manage/versions/<int:version_id>/", views.version_detail, name="version"),
    path("manage/versions/<int:version_id>/edit/", views.edit_version, name="edit_version"),
    path("manage/versions/<int:version_id>/step/<slug:step>/", views.version_step, name="step"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.new_campaign, name="new_campaign"),
    path("campaigns/code-of-conduct/", views.code_of_conduct, name="code_of_conduct"),
    path("campaigns/code-of-conduct/start/", views.start_code_of_conduct, name="start_code_of_conduct"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/export.csv", views.campaign_export, name="campaign_export"),
    path("campaigns/<int:campaign_id>/paper/", views.campaign_paper, name="campaign_paper"),
    path("campaigns/<int:campaign_id>/close/", views.campaign_close, name="campaign_close"),
    path(
        "campaigns/<int:campaign_id>/resend/<int:request_id>/", views.campaign_resend, name="campaign_resend"
    ),
    path("acknowledgements/<int:acknowledgement_id>/scan/", views.scan, name="scan"),
    path("person/<int:person_id>/", views.person, name="person"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:policy_id>/", views.record_review, name="record_review"),
    path("posters/", views.poster_list, name="posters"),
    path("posters/<slug:audience>.pdf", views.poster_pdf, name="poster"),
    path("newsletters/", views.newsletters, name="newsletters"),
    path("newsletters/<int:newsletter_id>/publish/", views.publish_newsletter, name="publish_newsletter"),
    path("<slug:school_slug>/", views.public_school, name="school"),
    path("<slug:school_slug>/<slug:policy_slug>/", views.public_policy, name="policy_public"),
    path("<slug:school_slug>/<slug:policy_slug>/v<int:number>/", views.public_policy, name="version_public"),
]
