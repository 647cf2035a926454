"""gunicorn's settings for Talka behind nginx (talka-web.service and the topology test both
start gunicorn with this file, so the tested settings are the deployed ones).

Command-line options given after `-c deploy/gunicorn.conf.py` override these."""

import os

bind = os.environ.get("TALKA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("TALKA_THREADS", "2"))
timeout = 60
graceful_timeout = 30
# nginx keeps idle connections to gunicorn open for reuse (upstream keepalive, closed by
# nginx after 20 s: deploy/nginx/talka.conf). gunicorn must never be the side that closes
# an idle one first: a request nginx sends on a connection gunicorn is closing at that
# instant is lost, and nginx does not retry a POST on another instance, so the user gets a
# 502. Holding connections longer than nginx does leaves the closing to nginx.
keepalive = 30
# Only nginx, on this host, may tell gunicorn the client's scheme and address.
forwarded_allow_ips = "127.0.0.1"
control_socket_disable = True
