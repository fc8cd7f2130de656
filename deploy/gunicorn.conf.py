"""gunicorn settings for the intranet server: ``gunicorn -c deploy/gunicorn.conf.py yuncheng_heating.wsgi``.

- Logs: with ``LOG_FORMAT=json`` gunicorn's own lines (start, worker timeouts) are JSON in UTC like the
  application's (core/json_logging.py); its access log is off because the application writes one line per
  request itself (core/access_log.py, with the request id and user id gunicorn does not know).
- Metrics: with ``PROMETHEUS_MULTIPROC_DIR`` the workers share their metrics through that directory
  (emptied here at start, so that a restart does not add up old processes' counts); a worker that exits
  is marked dead so that its gauges stop counting.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 120

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.json_logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
