"""Check-in rules: desks and their tokens, lists and their settings, undo and exits, the search by
name, the scan trail. The scan itself, the hot path, is forum/checkin/scan.py."""

from __future__ import annotations

from forum.checkin.services._common import CheckInError, DeskRefused, NoSuchList, NothingToUndo
from forum.checkin.services.desks import (
    create_desk,
    desk_for_token,
    desk_is_open,
    desks_of,
    hash_token,
    open_desks_of,
    revoke_desk,
)
from forum.checkin.services.lists import (
    default_list,
    ensure_lists,
    entrance_list,
    inside_count,
    list_label,
    lists_of,
    update_list,
)
from forum.checkin.services.rehearsal import clear_rehearsal, real_list_of, rehearsal_scan_count, rehearsal_twin
from forum.checkin.services.search import search
from forum.checkin.services.trail import REASONS, ScanResult, recent_scans, stored_answer, trail_of
from forum.checkin.services.undo import record_exit, undo_last

__all__ = [
    "REASONS",
    "CheckInError",
    "DeskRefused",
    "NoSuchList",
    "NothingToUndo",
    "ScanResult",
    "clear_rehearsal",
    "create_desk",
    "default_list",
    "desk_for_token",
    "desk_is_open",
    "desks_of",
    "ensure_lists",
    "entrance_list",
    "hash_token",
    "inside_count",
    "list_label",
    "lists_of",
    "open_desks_of",
    "record_exit",
    "real_list_of",
    "recent_scans",
    "rehearsal_scan_count",
    "rehearsal_twin",
    "revoke_desk",
    "search",
    "stored_answer",
    "trail_of",
    "undo_last",
    "update_list",
]
