from django.urls import path

from esafety.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.new_incident, name="new"),
    path("new/people/", views.find_people, name="find_people"),
    path("export.csv", views.export_csv, name="export"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:action_id>/done/", views.complete_action, name="action_done"),
    path("actions/<int:action_id>/cancel/", views.cancel_action, name="action_cancel"),
    path("settings/", views.settings_view, name="settings"),
    path("people/<int:person_id>/", views.chronology, name="chronology"),
    path("people/<int:person_id>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/received/", views.received, name="received"),
    path("<int:incident_id>/edit/", views.edit_incident, name="edit"),
    path("<int:incident_id>/step/<slug:step>/", views.take_step, name="step"),
    path("<int:incident_id>/outcome/", views.add_outcome, name="outcome"),
    path("<int:incident_id>/restriction/", views.set_restriction, name="restriction"),
    path("<int:incident_id>/note/", views.add_note, name="note"),
    path("<int:incident_id>/evidence/", views.add_evidence, name="add_evidence"),
    path("<int:incident_id>/evidence/<int:evidence_id>/", views.download_evidence, name="evidence"),
    path("<int:incident_id>/action/", views.add_action, name="add_action"),
    path("<int:incident_id>/people/", views.add_people, name="add_people"),
    path("<int:incident_id>/incident.pdf", views.incident_pdf, name="pdf"),
]
