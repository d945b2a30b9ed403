"""gunicorn for one app server behind nginx (deploy/nginx/shipei.conf.in).

    gunicorn -c deploy/gunicorn.conf.py shipei.wsgi

Everything from the environment (deploy/env.example); the bind address too, so that one
systemd template unit (deploy/systemd/shipei@.service) runs an app server per port.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Threads: a request mostly waits for PostgreSQL, and threads share the process's connection
# pool. Workers: one or two per core; each holds up to DB_POOL_MAX database connections.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 8)
# A request running longer is stuck: its worker is replaced. nginx waits a little longer.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than nginx keeps an idle upstream connection (60 s), so nginx closes it first and
# never sends a request down a connection gunicorn is closing.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Workers are not recycled by default (0). A recycled worker stops taking requests and its
# replacement imports Django and opens its connections before it answers: seconds of a server's
# capacity gone. Every request counts, "busy" refusals too, so in a rush (thousands a second)
# recycling after a few thousand requests takes workers away every few seconds exactly when
# they are needed: with 5000 the bench's rush had 56 timeouts, with 0 none (bench/README.md).
# The app is not known to gather memory; to give some back, restart the app servers one at a
# time out of hours (nginx moves to the others). If it is set, the jitter (a quarter) spreads
# the workers' recycling so that they never all restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 4

# nginx enforces the request line and header sizes and answers in Chinese; nginx alone talks to
# gunicorn, so gunicorn's own limits (and its English error pages) are lifted. 32768 fields is
# gunicorn's maximum, above what 32 KB of headers can hold.
limit_request_line = 0
limit_request_field_size = 0
limit_request_fields = 32768

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The client's address is in X-Forwarded-For (the app reads it through TRUSTED_PROXIES).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn's own reading of X-Forwarded-Proto (wsgi.url_scheme); Django reads it through
# SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES") or "127.0.0.1,::1"
