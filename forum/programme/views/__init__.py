"""Programme pages; importing this package registers every route of the programme's blueprint.

public: the public programme, a session's page, the .ics feeds, speakers' photos. agenda: a participant's
agenda, calendar and workshop sign-up. timetable: the organisers' timetable and sessions. rooms: rooms
and speakers. publication: publishing versions and sending their notifications.
"""

from forum.programme.views import agenda, public, publication, rooms, timetable  # noqa: F401
