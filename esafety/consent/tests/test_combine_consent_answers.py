"""What stands when answers meet: a table written from the issue ("two parents may answer differently: the more
restrictive answer stands and the office sees the disagreement") and the register's rules (withdrawal and
expiry are kept as history; each giver's latest answer counts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from esafety.consent.models import Consent, State, standing

TODAY = date(2026, 3, 1)
MUM, DAD = 1, 2


def answer(
    giver: int, answer: str, day: int, *, withdrawn: bool = False, expires: date | None = None
) -> Consent:
    row = Consent(
        pk=day * 10 + giver,
        use="website",
        answer=answer,
        given_by_id=giver,
        given_at=datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=day),
        expires_on=expires or date(2026, 8, 31),
    )
    row.withdrawn_at = datetime(2025, 12, 1, tzinfo=UTC) if withdrawn else None
    return row


G, R = "granted", "refused"
CASES = [
    ("nobody answered", [], State.NONE, False),
    ("one parent agreed", [answer(MUM, G, 1)], State.GRANTED, False),
    ("one parent refused", [answer(MUM, R, 1)], State.REFUSED, False),
    ("agreed, but it ran out", [answer(MUM, G, 1, expires=date(2026, 2, 28))], State.EXPIRED, False),
    ("agreed, then withdrew", [answer(MUM, G, 1, withdrawn=True)], State.WITHDRAWN, False),
    ("both agreed", [answer(MUM, G, 1), answer(DAD, G, 2)], State.GRANTED, False),
    ("one agreed, one refused", [answer(MUM, G, 1), answer(DAD, R, 2)], State.REFUSED, True),
    (
        "one refused first, the other agreed later",
        [answer(DAD, R, 1), answer(MUM, G, 5)],
        State.REFUSED,
        True,
    ),
    (
        "one agreed, the other withdrew",
        [answer(MUM, G, 1), answer(DAD, G, 2, withdrawn=True)],
        State.WITHDRAWN,
        True,
    ),
    ("refused, then changed their mind", [answer(MUM, R, 1), answer(MUM, G, 3)], State.GRANTED, False),
    (
        "agreed, withdrew, agreed again",
        [answer(MUM, G, 1, withdrawn=True), answer(MUM, G, 4)],
        State.GRANTED,
        False,
    ),
    (
        "agreed, and the other's old answer ran out",
        [answer(MUM, G, 1), answer(DAD, G, 0, expires=date(2025, 8, 31))],
        State.GRANTED,
        False,
    ),
    (
        "refused, and the other's old answer ran out",
        [answer(MUM, R, 1), answer(DAD, G, 0, expires=date(2025, 8, 31))],
        State.REFUSED,
        False,
    ),
]


@pytest.mark.parametrize(("story", "rows", "state", "disputed"), CASES, ids=[case[0] for case in CASES])
def test_it_lets_the_more_restrictive_answer_stand(
    story: str, rows: list[Consent], state: str, disputed: bool
) -> None:
    result = standing(rows, TODAY)
    assert (result.state, result.disputed, result.permitted) == (state, disputed, state == State.GRANTED)
