#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
    # Schema changes run as the owner role (MIGRATION_DATABASE_URL), everything else as
    # the application's role (DATABASE_URL); see core/dbroles.py.
    if len(sys.argv) > 1 and sys.argv[1] in {"migrate", "createcachetable"}:
        os.environ.setdefault("MIRASAPO_DATABASE_AS_OWNER", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
