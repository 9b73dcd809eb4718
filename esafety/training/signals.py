"""New starters get their induction items by themselves: whoever adds a person to the directory (by hand, by
import, by the API) need not remember training."""

from __future__ import annotations

from typing import Any

from esafety.people.models import Person
from esafety.training.models import TRAINED_KINDS


def give_induction(
    sender: type[Person], instance: Person, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw and instance.kind in TRAINED_KINDS and instance.left_on is None:
        from esafety.training.actions import create_induction_items

        create_induction_items(instance)
