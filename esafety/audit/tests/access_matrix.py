"""Who may read the audit trail, written by hand from the access issue: the Headteacher and the trust's
safeguarding lead (and a Head of another school, of their own school's trail)."""

from __future__ import annotations

from esafety.test import route

MATRIX = [route("audit:list", "head", "trust_lead", "outsider")]
