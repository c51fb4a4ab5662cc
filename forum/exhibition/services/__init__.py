"""Exhibition rules and workflows: floor plan, exhibitors and staff, applications, allocation, leads.

One file per concern; callers import this package and write `services.assign(...)`.
"""

from forum.exhibition.services.allocation_runs import (
    AllocationBoard,
    ProposalRow,
    allocation_board,
    applicants,
    proposal,
    run_allocation,
)
from forum.exhibition.services.applications import (
    FloorIndex,
    Spot,
    choice_options,
    choice_tokens,
    submit_application,
)
from forum.exhibition.services.assignment import assign, exhibitors_without_booth, free_booths, unassign
from forum.exhibition.services.booth_import import CSV_COLUMNS, ImportResult, import_booths
from forum.exhibition.services.directory import directory, logo_visible, save_logo, update_profile
from forum.exhibition.services.errors import BoothTaken, ExhibitionError, NoConsent
from forum.exhibition.services.exhibitors import (
    EXHIBITOR_KINDS,
    approve_exhibitor,
    create_exhibitor,
    decline_exhibitor,
    exhibitor_of,
    exhibitors_of,
    invite_exhibitor,
    request_to_exhibit,
    set_tier,
)
from forum.exhibition.services.floor_plan import (
    BOOTH_FIELDS,
    PlanLayout,
    booths_of,
    delete_booth,
    find_exhibition,
    get_booth,
    get_exhibition,
    plan_booths,
    plan_layout,
    save_booth,
    save_zone,
    set_deadline,
    zones_of,
)
from forum.exhibition.services.leads import (
    ScanOutcome,
    get_lead,
    leads_csv,
    leads_of,
    record_lead,
    scanned_by,
    update_note,
)
from forum.exhibition.services.publication import publish_allocation
from forum.exhibition.services.staff import add_staff, remove_staff

__all__ = [
    "BOOTH_FIELDS",
    "CSV_COLUMNS",
    "EXHIBITOR_KINDS",
    "AllocationBoard",
    "BoothTaken",
    "ExhibitionError",
    "FloorIndex",
    "ImportResult",
    "NoConsent",
    "PlanLayout",
    "ProposalRow",
    "ScanOutcome",
    "Spot",
    "add_staff",
    "allocation_board",
    "applicants",
    "approve_exhibitor",
    "assign",
    "booths_of",
    "choice_options",
    "choice_tokens",
    "create_exhibitor",
    "decline_exhibitor",
    "delete_booth",
    "directory",
    "exhibitor_of",
    "exhibitors_of",
    "exhibitors_without_booth",
    "find_exhibition",
    "free_booths",
    "get_booth",
    "get_exhibition",
    "get_lead",
    "import_booths",
    "invite_exhibitor",
    "leads_csv",
    "leads_of",
    "logo_visible",
    "plan_booths",
    "plan_layout",
    "proposal",
    "publish_allocation",
    "record_lead",
    "remove_staff",
    "request_to_exhibit",
    "run_allocation",
    "save_booth",
    "save_logo",
    "save_zone",
    "scanned_by",
    "set_deadline",
    "set_tier",
    "submit_application",
    "unassign",
    "update_note",
    "update_profile",
    "zones_of",
]
