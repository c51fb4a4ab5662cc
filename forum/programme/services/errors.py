"""What breaks a programme rule: the errors a change or a sign-up raises, and a clash found."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError


class ProgrammeError(ForumError):
    message = _l("The programme could not be changed.")


class ScheduleConflict(ProgrammeError):
    """Hard conflicts refuse the change; `conflicts` explains each one."""

    message = _l("This session clashes with the programme.")

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__()
        self.conflicts = conflicts

    def __str__(self) -> str:
        return " ".join(conflict.message for conflict in self.conflicts)


class SignupError(ForumError):
    message = _l("You cannot sign up to this session.")


@dataclass
class Conflict:
    """One problem of a session's place in the programme; hard ones are refused, soft ones warned."""

    message: str
    is_hard: bool = True
