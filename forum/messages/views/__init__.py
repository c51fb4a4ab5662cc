"""Messages pages; importing this package registers every route of the messages' blueprint.

messages: writing, counting, previewing, sending and the record, the reminder's settings, the stop link.
certificates: the organisers' certificates page and batch, a person's download, the public verification.
materials: a session's files (attach, remove, checked download) and the organisers' list.
surveys: the feedback survey (builder, results, export) and a person's answers.
"""

from forum.messages.views import certificates, materials, messages, surveys  # noqa: F401
