from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL if it does not exist yet (SQLite needs nothing)."

    def handle(self, *args, **options):
        if not settings.IS_POSTGRES:
            return
        import psycopg
        from psycopg import sql

        database = settings.DATABASES["default"]
        server = {
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone():
                return
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
        self.stdout.write(f"Created database {database['NAME']}.")
