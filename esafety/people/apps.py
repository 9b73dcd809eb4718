from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "esafety.people"
    label = "people"
