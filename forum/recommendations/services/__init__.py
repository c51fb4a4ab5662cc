"""The rules of recommendations, one file per concern, re-exported here (`services.endorse(...)`).

errors (how the rules say no) · window (when participants may take part) · access (the workshops, who
edits which list) · entry (adding, editing with revisions, ordering) · supports (one per participant,
counts, rankings) · similar (what reads like a text being typed) · moderation (accept, reject, merge) ·
follow_up (what became of accepted ones) · outcomes (the forum's figures for the report) · national
(the series' compilation) · exports.
"""

from .access import can_edit_workshop, workshops, workshops_for
from .entry import add_recommendation, by_participant, edit_recommendation, move, revisions, themes_in_use
from .errors import InputClosed, RecommendationError
from .exports import export_csv, export_rows
from .follow_up import FollowUpRow, follow_up_rows, follow_up_summary, series_follow_up, update_follow_up
from .moderation import (
    Detail,
    accept,
    add_merged_into,
    detail,
    forum_recommendations,
    merge,
    merge_candidates,
    merged_into,
    reject,
    status_counts,
)
from .national import (
    NationalCompilation,
    NationalGroup,
    NationalGroupPage,
    NationalRow,
    NationalTheme,
    national_compilation,
    national_group,
    national_sections,
    series_forums,
)
from .outcomes import (
    ActorGroup,
    OutcomeGroupPage,
    ThemeGroup,
    WorkshopOutcome,
    accepted_by_workshop,
    by_theme_and_actor,
    group,
    outcome_group,
)
from .similar import Similar, likely_duplicates, similar_to
from .supports import (
    Ranked,
    accepted_support_counts,
    endorse,
    list_sizes,
    ranked,
    ranked_workshops,
    support_counts,
    supported_by,
    withdraw,
    workshop_list,
)
from .window import input_is_open, input_window, set_input_window, settings_of

__all__ = [
    "ActorGroup",
    "Detail",
    "FollowUpRow",
    "InputClosed",
    "NationalCompilation",
    "NationalGroup",
    "NationalGroupPage",
    "NationalRow",
    "NationalTheme",
    "Ranked",
    "RecommendationError",
    "Similar",
    "OutcomeGroupPage",
    "ThemeGroup",
    "WorkshopOutcome",
    "accept",
    "add_merged_into",
    "accepted_by_workshop",
    "outcome_group",
    "accepted_support_counts",
    "by_theme_and_actor",
    "add_recommendation",
    "by_participant",
    "can_edit_workshop",
    "detail",
    "edit_recommendation",
    "endorse",
    "export_csv",
    "export_rows",
    "follow_up_rows",
    "follow_up_summary",
    "forum_recommendations",
    "group",
    "input_is_open",
    "input_window",
    "likely_duplicates",
    "list_sizes",
    "merge",
    "merge_candidates",
    "merged_into",
    "move",
    "national_compilation",
    "national_group",
    "national_sections",
    "ranked",
    "ranked_workshops",
    "reject",
    "revisions",
    "series_follow_up",
    "series_forums",
    "set_input_window",
    "settings_of",
    "similar_to",
    "status_counts",
    "support_counts",
    "supported_by",
    "themes_in_use",
    "update_follow_up",
    "withdraw",
    "workshop_list",
    "workshops",
    "workshops_for",
]
