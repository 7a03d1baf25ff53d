"""Compliance checks for distribution programs under PRC rules on multi-level selling.

The Regulations on Prohibition of Pyramid Selling (《禁止传销条例》, State Council
Decree No. 444, in force since 1 November 2005), Article 7, list three forms of
pyramid selling: paying people by how many others they recruit, directly or
indirectly (拉人头); charging a fee, or a forced purchase, to join (入门费); and
forming upline/downline relationships and paying uplines on their downlines'
sales (团队计酬). The 2013 opinion of the Supreme People's Court, the Supreme
People's Procuratorate and the Ministry of Public Security on organising pyramid
selling (公通字〔2013〕37号) uses "thirty people and three levels or more" as a
threshold for prosecuting organisers, and platforms commonly allow at most
three commission tiers. promocore therefore refuses more than three levels
outright and, under the default ``prc`` profile, warns about what sits at the
edge. The notes are engineering guardrails, not legal advice.
"""

from __future__ import annotations

import enum
import warnings

import attrs

#: Commission levels above this are refused whatever the compliance profile.
MAX_LEVELS = 3

REGULATIONS = (
    "Regulations on Prohibition of Pyramid Selling (禁止传销条例, State Council Decree No. 444)"
)


class ComplianceProfile(enum.Enum):
    """Which compliance warnings a commission program raises."""

    #: Warn about set-ups at the edge of the PRC rules on multi-level selling (default).
    PRC = "prc"
    #: Raise no compliance warnings (levels above three are still refused).
    OFF = "off"


class ComplianceWarning(UserWarning):
    """A commission program is allowed but sits at the edge of the rules it is checked against."""


@attrs.frozen
class ComplianceNote:
    """One compliance concern.

    Attributes:
        code: Machine-readable code (``"three_levels"``).
        message: What the concern is.
        citation: The rule it refers to.
    """

    code: str
    message: str
    citation: str

    def __str__(self) -> str:
        return f"{self.message} [{self.citation}]"


THREE_LEVELS = ComplianceNote(
    "three_levels",
    "three commission levels is the most allowed: each upper level is paid on its "
    "downline's sales (团队计酬); keep rates modest, charge no fee to join and pay "
    "nothing for recruiting as such",
    f"{REGULATIONS}, art. 7(3); 公通字〔2013〕37号 (three levels or more); "
    "platform rules allow at most three tiers",
)

TEAM_SIZE_RANKS = ComplianceNote(
    "team_size_ranks",
    "ranks by team size pay more for recruiting more people (拉人头); "
    "prefer ranks by settled sales",
    f"{REGULATIONS}, art. 7(1)",
)


def compliance_notes(
    profile: ComplianceProfile, *, levels: int, ranks_by_team_size: bool
) -> tuple[ComplianceNote, ...]:
    """Return the concerns ``profile`` raises about a program.

    Args:
        profile: The compliance profile in force.
        levels: How many commission levels the program pays.
        ranks_by_team_size: Whether promoter ranks depend on team size.
    """
    if profile is ComplianceProfile.OFF:
        return ()
    notes = []
    if levels >= MAX_LEVELS:
        notes.append(THREE_LEVELS)
    if ranks_by_team_size:
        notes.append(TEAM_SIZE_RANKS)
    return tuple(notes)


def warn_about(notes: tuple[ComplianceNote, ...], *, stacklevel: int = 2) -> None:
    """Issue a `ComplianceWarning` for each note."""
    for note in notes:
        warnings.warn(str(note), ComplianceWarning, stacklevel=stacklevel + 1)
