"""Gunicorn settings for Ombuds: `gunicorn -c python:ombuds.gunicorn_config ombuds.wsgi`.

The access log names the path without its query string (`%(U)s`, not `%(r)s`): a query string
can carry what a person typed, and access logs are kept and shipped elsewhere.
"""

accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
