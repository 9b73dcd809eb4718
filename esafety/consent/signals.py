"""What the consent room tells other rooms. The publishing room listens to ``consent_withdrawn`` to list, for
whoever edits the school's publications, every item in which the person appears (the consent room never imports
the publishing room)."""

from django.dispatch import Signal

# Sent after a withdrawal is saved, with ``consent`` (the withdrawn row) and ``request`` (or None).
consent_withdrawn = Signal()
