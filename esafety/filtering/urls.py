from django.urls import path

from esafety.filtering import views

app_name = "filtering"
urlpatterns = [
    path("", views.index, name="index"),
    path("groups/new/", views.new_group, name="new_group"),
    path("groups/<int:group_id>/", views.edit_group, name="group"),
    path("categories/<int:category_id>/illegal/", views.mark_illegal, name="mark_illegal"),
    path("chain/", views.set_chain, name="chain"),
    path("publish/", views.publish, name="publish"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/rollback/", views.rollback, name="rollback"),
    path("hosts/", views.hosts, name="hosts"),
    path("hosts/<int:host_id>/revoke/", views.revoke_host, name="revoke_host"),
    path("feed/", views.feed, name="feed"),
    path("test/", views.filter_test, name="test"),
    path("items/", views.items, name="items"),
    path("items/<int:item_id>/incident/", views.item_incident, name="item_incident"),
    path("items/<int:item_id>/dismiss/", views.item_dismiss, name="item_dismiss"),
    path("leases/", views.leases, name="leases"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/step/<slug:step>/", views.request_step, name="request_step"),
    path("blocked/", views.blocked, name="blocked"),
    path("report/", views.report_site, name="report"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:kind>.csv", views.reports_csv, name="reports_csv"),
    path("check/", views.check, name="check"),
    path("check/<int:check_id>/", views.check_detail, name="check_detail"),
    path("links/<slug:class_slug>/", views.class_links, name="class_links"),
]
