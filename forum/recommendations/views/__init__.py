"""Pages of the recommendations module, one file per audience: the rapporteurs' and organisers' workspace,
the organisers' moderation, the outcomes report and exports, the participants' pages, the public pages."""

from forum.recommendations.views import moderation, participant, public, reports, workspace  # noqa: F401
