"""gunicorn for production (SPEC §6): gevent workers; Socket.IO across processes through Redis.

Run one gunicorn per port (``deploy/junban@.service``) behind the proxy's sticky routing, or
several workers per gunicorn with the WebSocket-only transport (SOCKETIO_TRANSPORTS=websocket).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "5000"))
timeout = 60
graceful_timeout = 30
keepalive = 75
# Tickets' status URLs carry no personal data; still, keep query strings out of the log.
accesslog = os.environ.get("ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
raw_env = [f"SOCKETIO_ASYNC_MODE={os.environ.get('SOCKETIO_ASYNC_MODE', 'gevent')}"]
