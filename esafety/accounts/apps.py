from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "esafety.accounts"
    label = "accounts"

    def ready(self) -> None:
        from esafety.accounts import schema, signals  # noqa: F401  (sign-ins in the audit trail; API schema)
