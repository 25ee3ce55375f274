"""Prepare the benchmark database; run by bench.run in a child process with the bench environment.

Migrates (and on PostgreSQL flushes) the database, collects static files, creates the data
set and prints one JSON object: what the load generator needs to get in, and the database
version for the results.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, required=True)
    args = parser.parse_args()
    django.setup()
    # Models can be imported only once Django is set up with the bench settings.
    from bench.data import create

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data = create(documents=args.documents)
    facts = {
        "database": connection.vendor,
        "database_version": _database_version(),
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
    }
    print(json.dumps({**asdict(data), **facts}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
