"""The change-request chain, declared once: the policy's "directed to the E-safety Co-ordinator in the first
instance who will forward these to the Head and then the ICT Technician".

States are ``RequestStatus`` (models.py). Each ``Transition`` names its label, the states it leaves, the state it
reaches, who may take it (an access ``Action`` value, or ``"requester"``), whether a reason is required and the
function in ``actions.py`` that takes it. The model, actions, views, API, permissions and templates all read this
table; nothing else lists the steps.
"""

from __future__ import annotations

from esafety.access import Action
from esafety.filtering.models import FilterSettings, RequestStatus, Transition

S = RequestStatus
NEXT = (
    "next"  # after the Co-ordinator: the Headteacher, or the Technician when the school shortened the chain
)
REQUESTER = "requester"

WORKFLOW: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "forward",
            "Approve and forward",
            (S.COORDINATOR,),
            NEXT,
            Action.REVIEW_FILTER_REQUEST,
            False,
            "approve_request",
        ),
        Transition(
            "ask",
            "Ask the requester a question",
            (S.COORDINATOR,),
            S.QUESTION,
            Action.REVIEW_FILTER_REQUEST,
            True,
            "ask_requester",
            "secondary",
        ),
        Transition(
            "answer", "Answer the question", (S.QUESTION,), S.COORDINATOR, REQUESTER, True, "answer_question"
        ),
        Transition(
            "reject",
            "Reject",
            (S.COORDINATOR,),
            S.REJECTED,
            Action.REVIEW_FILTER_REQUEST,
            True,
            "reject_request",
            "danger",
        ),
        Transition(
            "approve",
            "Approve",
            (S.HEAD,),
            S.TECHNICIAN,
            Action.APPROVE_FILTER_REQUEST,
            False,
            "approve_request",
        ),
        Transition(
            "decline",
            "Reject",
            (S.HEAD,),
            S.REJECTED,
            Action.APPROVE_FILTER_REQUEST,
            True,
            "reject_request",
            "danger",
        ),
        Transition(
            "apply",
            "Apply and publish",
            (S.TECHNICIAN,),
            S.APPLIED,
            Action.APPLY_FILTER_REQUEST,
            False,
            "apply_request",
        ),
        Transition(
            "applied_elsewhere",
            "Record as applied in another filter",
            (S.TECHNICIAN,),
            S.APPLIED,
            Action.APPLY_FILTER_REQUEST,
            True,
            "apply_request",
            "secondary",
        ),
        Transition(
            "withdraw",
            "Withdraw",
            (S.COORDINATOR, S.QUESTION, S.HEAD, S.TECHNICIAN),
            S.WITHDRAWN,
            REQUESTER,
            False,
            "withdraw_request",
            "secondary",
        ),
        Transition(
            "end",
            "End now",
            (S.APPLIED,),
            S.ENDED,
            Action.APPLY_FILTER_REQUEST,
            True,
            "end_request",
            "secondary",
        ),
    )
}

# Who holds a request in each open state: reminders go to them, and lists show it.
HOLDER: dict[str, Action | str] = {
    S.COORDINATOR: Action.REVIEW_FILTER_REQUEST,
    S.QUESTION: REQUESTER,
    S.HEAD: Action.APPROVE_FILTER_REQUEST,
    S.TECHNICIAN: Action.APPLY_FILTER_REQUEST,
}


def target_of(transition: Transition, chain: str) -> str:
    if transition.target != NEXT:
        return transition.target
    return S.TECHNICIAN if chain == FilterSettings.Chain.NO_HEAD else S.HEAD
