"""Set up the provider's database: migrate, a signing key, its users and esafety's two clients.

``python -m e2e.oidc_provider.seed <redirect_uri>`` with DJANGO_SETTINGS_MODULE=e2e.oidc_provider.settings.
"""

from __future__ import annotations

import sys

import django

CLIENTS = {
    # client ID: (name, secret). One for esafety's Microsoft provider, one for its generic provider.
    "esafety-entra": ("esafety (Entra ID)", "entra-client-secret-1"),
    "esafety-generic": ("esafety (generic)", "generic-client-secret-2"),
}


def main(redirect_uri: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    from e2e.oidc_provider.claims import PASSWORD, USERS

    call_command("migrate", "--noinput", verbosity=0)
    call_command("creatersakey")
    for username in USERS:
        User.objects.create_user(username, password=PASSWORD, first_name=username.title(), last_name="Tester")
    code = ResponseType.objects.get(value="code")
    for client_id, (name, secret) in CLIENTS.items():
        client = Client.objects.create(
            name=name,
            client_type="confidential",
            client_id=client_id,
            client_secret=secret,
            jwt_alg="RS256",
            require_consent=False,
            reuse_consent=True,
            _redirect_uris=redirect_uri,
        )
        client.response_types.add(code)


if __name__ == "__main__":
    main(sys.argv[1])
