"""The exceptions raised by invite programs and boards.

A refused invitation is an [`IllegalTransitionError`][promocore.errors.IllegalTransitionError] of
the program's board (and the ``ValueError`` it always was).
"""

from __future__ import annotations

from promocore import errors as base


class InviteError(base.PromocoreError):
    """Root of the errors about invites."""


class InviteRefusedError(InviteError, base.IllegalTransitionError, ValueError):
    """An invitation cannot be recorded."""


class SelfInviteError(InviteRefusedError):
    """A customer tried to invite themselves."""


class InviteCycleError(InviteRefusedError):
    """The invitation would close a cycle (A invited B, B invites A)."""


class AlreadyInvitedError(InviteRefusedError):
    """The friend was already invited by someone else; a friend counts once."""


class ExistingCustomerError(InviteRefusedError):
    """The friend is not a new customer, so cannot be invited."""


class InviteClosedError(InviteRefusedError):
    """The program is not running at this moment."""
