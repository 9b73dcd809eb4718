"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a Django project of
its own (its own process, port and SQLite database), with discovery, JWKS, authorize and token endpoints and
RS256-signed ID tokens. It poses as a Microsoft Entra ID tenant: its issuer is
``http://127.0.0.1:<port>/<tenant>/v2.0``, and its ID tokens carry ``tid``.

Each of its users stands for one case of the tests (see ``claims.USERS``): most are ordinary, and some have a
quirk the provider applies to their ID token (another audience, already expired, another tenant, another nonce),
so that each refusal is met through the whole real protocol, in a browser.
"""
