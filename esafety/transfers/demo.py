"""The demo school's transfers: a leaver whose file is still to send (on the DSL's dashboard, due in a couple of
school days), one sent as an encrypted archive to a school without esafety and accepted with the receipt
recorded by hand, and a file Hollybrook expects from another school (its code was given out and is not shown)."""

from __future__ import annotations

from datetime import date, timedelta

from esafety.core.actions import quiet
from esafety.core.demo import DemoContext
from esafety.transfers import actions
from esafety.transfers.models import Method


def _school_days_ago(ctx: DemoContext, days: int) -> date:
    day = ctx.today
    while days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def build(ctx: DemoContext) -> None:
    dsl = ctx.users["coordinator"]
    first, second = ctx.rng.sample(list(ctx.extra["pupils"]), 2)
    with quiet():
        actions.start_transfer(
            school=ctx.school,
            person=first,
            by=dsl,
            method=Method.INSTANCE,
            leaving_date=_school_days_ago(ctx, 3),
            destination="Oakfield Primary School",
            destination_url="https://esafety.oakfield.sch.example",
        )
        archived = actions.start_transfer(
            school=ctx.school,
            person=second,
            by=dsl,
            method=Method.ARCHIVE,
            leaving_date=_school_days_ago(ctx, 12),
            destination="St Anne's Church of England Primary",
        )
        actions.prepare_archive(archived, by=dsl)
        actions.record_receipt(
            archived,
            by=dsl,
            received_by="Mrs J. Patel, DSL at St Anne's",
            received_on=_school_days_ago(ctx, 9),
        )
        actions.expect_transfer(
            school=ctx.school,
            by=dsl,
            expected_from="Brookside Junior School",
            pupil_name="A new Year 3 pupil",
        )
