/* A throwaway PostgreSQL cluster for the HQ tests and benchmarks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct _GhTestPg GhTestPg;

/* Starts a cluster in a new temp folder, listening on 127.0.0.1 on a free port and
 * on a unix socket in that folder only, as the postgres user when run as root.
 * Returns NULL with @skip_reason set when the server binaries are not installed
 * ($GLASSHOUSE_PG_BINDIR, pg_config --bindir, /usr/lib/postgresql/N/bin); any other
 * failure aborts the test. A watchdog process stops the server and removes the folder
 * when gh_test_pg_stop runs or when this process dies, whatever kills it.
 * @durable: fsync as in production (benchmarks); otherwise fsync is off (tests).
 * Password logins over TCP use scram-sha-256; the superuser "postgres" is trusted. */
GhTestPg   *gh_test_pg_start       (gboolean     durable,
                                    char       **skip_reason);
/* gh_test_pg_start for tests and benchmarks that log in with the passwords they give:
 * a developer's ~/.pgpass and $PGPASSWORD are first put out of reach, so that nothing
 * passes on a password the test did not give. */
GhTestPg   *gh_test_pg_start_sealed (gboolean    durable,
                                     char      **skip_reason);
void        gh_test_pg_stop        (GhTestPg    *pg);

/* The first line of a test that needs the cluster: without one (no server installed)
 * the test is skipped, saying why, rather than failed. */
#define GH_TEST_REQUIRE_PG(pg, skip_reason) G_STMT_START { \
  if ((pg) == NULL) { g_test_skip (skip_reason); return; } } G_STMT_END
int         gh_test_pg_port        (GhTestPg    *pg);
/* The server's postmaster process (from postmaster.pid). */
GPid        gh_test_pg_postmaster_pid (GhTestPg *pg);

/* "host=127.0.0.1 port=N dbname=@dbname user=@user [password=@password]". */
char       *gh_test_pg_conninfo    (GhTestPg    *pg,
                                    const char  *dbname,
                                    const char  *user,
                                    const char  *password);
/* A superuser connection over the unix socket; asserts it works. */
PGconn     *gh_test_pg_admin       (GhTestPg    *pg,
                                    const char  *dbname);

/* Runs @sql and asserts it succeeded. */
void        gh_test_pg_exec        (PGconn      *conn,
                                    const char  *sql);
/* The first column of the first row of @sql as text (NULL for SQL NULL); asserts a row. */
char       *gh_test_pg_value       (PGconn      *conn,
                                    const char  *sql);
gint64      gh_test_pg_int         (PGconn      *conn,
                                    const char  *sql);

/* pg_dump's plain SQL of @dbname, as the superuser: everything HQ holds, as text. */
char       *gh_test_pg_dump        (GhTestPg    *pg,
                                    const char  *dbname);

/* A loopback TCP port nothing listens on right now. */
int         gh_test_free_port      (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

G_END_DECLS
