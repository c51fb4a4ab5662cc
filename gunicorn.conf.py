"""gunicorn settings read from the project's folder: capability keys masked in the access log.

The access log (enabled with `--access-logfile -`) keeps who, when, the path with private keys masked,
the status, the size and the time taken; not the query string, the referrer or the browser.
"""

logger_class = "forum.logs.MaskedGunicornLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
