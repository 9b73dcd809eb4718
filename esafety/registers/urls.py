from django.urls import path

from esafety.registers import views

app_name = "registers"
urlpatterns = [
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/new/", views.new_account, name="new_account"),
    path("accounts/export.csv", views.export_accounts, name="export_accounts"),
    path("accounts/directory/retry/", views.retry_directory, name="retry_directory"),
    path("accounts/<int:account_id>/", views.account_detail, name="account"),
    path("accounts/<int:account_id>/password/", views.account_password, name="account_password"),
    path("accounts/<int:account_id>/disable/", views.account_disable, name="account_disable"),
    path("settings/", views.register_settings, name="settings"),
    path("devices/", views.device_list, name="devices"),
    path("devices/new/", views.new_device, name="new_device"),
    path("devices/import/", views.import_devices, name="import_devices"),
    path("devices/<int:device_id>/", views.device_detail, name="device"),
    path("devices/<int:device_id>/issue/", views.issue_device, name="issue_device"),
    path("devices/<int:device_id>/return/", views.return_device, name="return_device"),
    path("personal-devices/", views.exception_list, name="exceptions"),
    path("confiscations/", views.confiscation_list, name="confiscations"),
    path("confiscations/new/", views.new_confiscation, name="new_confiscation"),
    path("confiscations/<int:confiscation_id>/", views.confiscation_detail, name="confiscation"),
    path(
        "confiscations/<int:confiscation_id>/<slug:step>/", views.confiscation_step, name="confiscation_step"
    ),
    path("photos/", views.photo_list, name="photos"),
    path("photos/authorise/", views.authorise_photos, name="authorise_photos"),
    path("access-review/", views.access_review, name="access_review"),
    path("access-review/sign-off/", views.sign_off_access_review, name="sign_off_access_review"),
    path("security/", views.security_list, name="security_reviews"),
    path("security/new/", views.new_security_review, name="new_security_review"),
    path("security/<int:review_id>/", views.security_review, name="security_review"),
    path("security/<int:review_id>/action/", views.add_security_action, name="add_security_action"),
    path(
        "security/actions/<int:action_id>/done/", views.complete_security_action, name="security_action_done"
    ),
]
