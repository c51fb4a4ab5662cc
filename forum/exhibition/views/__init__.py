"""Exhibition pages: public directory and map, organiser floor plan and allocation, exhibitor portal.

Importing this package registers every route of the blueprint.
"""

from forum.exhibition import bp, services
from forum.exhibition.views import exhibitors, floor_plan, portal, public  # noqa: F401

bp.add_app_template_global(services.plan_layout, "plan_layout")
bp.add_app_template_global(services.plan_booths, "plan_booths")
