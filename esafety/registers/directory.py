"""The school's directory: CSV files for the bulk tools of Active Directory, Google Workspace and Microsoft 365,
and an LDAP push of creations, new passwords, expiries and disables.

The CSV files carry no password (the register never has one): the technician types the one on the slip, or
lets the tool generate one and prints a new slip from esafety.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta

from ldap3 import MODIFY_REPLACE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.dn import escape_rdn

from esafety.people.importer import neutralise
from esafety.registers.models import DirectoryPush, NetworkAccount, RegisterSettings

FORMATS = {
    "ad": "Active Directory (New-ADUser)",
    "google": "Google Workspace",
    "m365": "Microsoft 365",
}
AD_COLUMNS = [
    "Name",
    "GivenName",
    "Surname",
    "DisplayName",
    "SamAccountName",
    "UserPrincipalName",
    "Description",
    "Enabled",
    "AccountExpirationDate",
]
GOOGLE_COLUMNS = [
    "First Name [Required]",
    "Last Name [Required]",
    "Email Address [Required]",
    "Password [Required]",
    "Org Unit Path [Required]",
    "New Status [UPLOAD ONLY]",
    "Change Password at Next Sign-In",
]
M365_COLUMNS = ["User name", "First name", "Last name", "Display name", "Job title", "Department"]


def _row(account: NetworkAccount, fmt: str, domain: str) -> list[str]:
    active = account.status == NetworkAccount.Status.ACTIVE
    email = f"{account.username}@{domain}" if domain else account.username
    if fmt == "ad":
        # AD expires an account at the start of AccountExpirationDate: the day after the register's last day.
        expires = f"{account.ends_on + timedelta(days=1):%Y-%m-%d}" if account.ends_on else ""
        return [
            account.full_name,
            account.first_name,
            account.last_name,
            account.full_name,
            account.username,
            email,
            account.get_kind_display(),
            "True" if active else "False",
            expires,
        ]
    if fmt == "google":
        return [
            account.first_name,
            account.last_name,
            email,
            "",
            f"/{account.get_kind_display()}",
            "Active" if active else "Suspended",
            "True",
        ]
    return [email, account.first_name, account.last_name, account.full_name, account.get_kind_display(), ""]


def export_csv(accounts: Iterable[NetworkAccount], fmt: str, domain: str) -> str:
    columns = {"ad": AD_COLUMNS, "google": GOOGLE_COLUMNS, "m365": M365_COLUMNS}[fmt]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for account in accounts:
        # A name beginning "=" must not become a formula when the office opens the file in a spreadsheet.
        writer.writerow([neutralise(value) for value in _row(account, fmt, domain)])
    return out.getvalue()


class DirectoryError(Exception):
    pass


def _dn(account: NetworkAccount, limits: RegisterSettings) -> str:
    return f"uid={escape_rdn(account.username)},{limits.ldap_users_dn}"


def connect(limits: RegisterSettings) -> Connection:
    server = Server(limits.ldap_url, connect_timeout=5)
    try:
        return Connection(
            server,
            limits.ldap_bind_dn or None,
            limits.ldap_bind_password or None,
            auto_bind=True,
            receive_timeout=10,
            raise_exceptions=False,
        )
    except LDAPException as exc:
        raise DirectoryError(f"could not connect to {limits.ldap_url}: {exc}") from exc


def _check(connection: Connection, what: str, allowed: tuple[int, ...] = ()) -> int:
    code = int(connection.result["result"])
    if code != 0 and code not in allowed:
        raise DirectoryError(f"{what}: {connection.result['description']} ({connection.result['message']})")
    return code


def apply(connection: Connection, push: DirectoryPush, limits: RegisterSettings) -> None:
    """Make the directory agree with one push; raises ``DirectoryError`` if it refuses."""
    account = push.account
    dn = _dn(account, limits)
    description = f"esafety: {account.get_kind_display()}" + (
        f" until {account.ends_on:%Y-%m-%d}" if account.ends_on else ""
    )
    if push.operation == DirectoryPush.Operation.CREATE:
        attributes = {
            "cn": account.full_name,
            "sn": account.last_name or account.username,
            "givenName": account.first_name,
            "displayName": account.full_name,
            "uid": account.username,
            "employeeType": account.kind,
            "description": description,
        }
        if push.password_hash:
            attributes["userPassword"] = push.password_hash
        connection.add(dn, ["inetOrgPerson"], attributes)
        # entryAlreadyExists: an earlier try got through before its answer was lost; bring it up to date.
        if _check(connection, f"adding {dn}", allowed=(68,)) == 68:
            changes = {key: [(MODIFY_REPLACE, [value])] for key, value in attributes.items() if key != "uid"}
            connection.modify(dn, changes)
            _check(connection, f"updating {dn}")
    elif push.operation == DirectoryPush.Operation.PASSWORD:
        connection.modify(dn, {"userPassword": [(MODIFY_REPLACE, [push.password_hash])]})
        _check(connection, f"setting the password of {dn}")
    else:
        # Removing userPassword makes every simple bind fail: the account can no longer sign in, and the entry
        # stays so that logs still resolve the name.
        verb = "Expired" if push.operation == DirectoryPush.Operation.EXPIRE else "Disabled"
        closed = account.closed_at.date() if account.closed_at else None
        connection.modify(
            dn,
            {
                "userPassword": [(MODIFY_REPLACE, [])],
                "description": [(MODIFY_REPLACE, [f"{description}; {verb} {closed or ''}".strip()])],
            },
        )
        # noSuchAttribute: already has no password (a repeat of a push that got through).
        _check(connection, f"closing {dn}", allowed=(16,))
