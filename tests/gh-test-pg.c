/* A throwaway PostgreSQL cluster for the HQ tests: initdb into a temp folder owned by
 * the postgres user (the server refuses to run as root), start it on a free loopback
 * port, and make sure it goes away. A test that fails aborts, so the stop cannot rely
 * on this process reaching its end: a watchdog in its own session holds the read end
 * of a pipe and stops the server once the pipe closes, which the kernel does when
 * this process exits for any reason. See gh-test-pg.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-test-pg.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gh-test-utils.h"

struct _GhTestPg
{
  char  *dir;         /* the temp folder: data/, the socket, server.log */
  char  *data_dir;
  char  *bindir;
  int    port;
  int    watchdog_fd; /* write end; closing it stops the server */
  GPid   watchdog_pid;
};

static gboolean
has_server (const char *bindir)
{
  const char *needed[] = { "initdb", "pg_ctl", "postgres" };

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autofree char *path = g_build_filename (bindir, needed[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return FALSE;
    }
  return TRUE;
}

static char *
find_bindir (void)
{
  const char *env = g_getenv ("GLASSHOUSE_PG_BINDIR");
  g_autofree char *from_pg_config = NULL;
  g_autoptr(GDir) versions = NULL;
  const char *name;
  int best = -1;

  if (env != NULL)
    return has_server (env) ? g_strdup (env) : NULL;
  if (g_spawn_command_line_sync ("pg_config --bindir", &from_pg_config, NULL, NULL, NULL))
    {
      g_strstrip (from_pg_config);
      if (has_server (from_pg_config))
        return g_steal_pointer (&from_pg_config);
    }
  versions = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (versions != NULL && (name = g_dir_read_name (versions)) != NULL)
    {
      g_autofree char *bindir = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      int version = atoi (name);

      if (version > best && has_server (bindir))
        best = version;
    }
  return best >= 0 ? g_strdup_printf ("/usr/lib/postgresql/%d/bin", best) : NULL;
}

int
gh_test_free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int port;

  g_assert_cmpint (fd, >=, 0);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  port = ntohs (address.sin_port);
  close (fd);
  return port;
}

/* The server's tools must run as "postgres" when we are root. */
static void
run_as_server_user (GhTestPg    *pg,
                    const char  *tool,
                    const char  *const *args,
                    gboolean     must_succeed,
                    gboolean    *succeeded)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("postgres"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (pg->bindir, tool, NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  /* cwd: the folder we own, not wherever meson runs us (postgres may not read it). */
  g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (succeeded != NULL)
    *succeeded = g_spawn_check_wait_status (status, NULL);
  if (must_succeed && !g_spawn_check_wait_status (status, NULL))
    gh_test_fail ("%s failed: %s%s", tool, out, err);
}

static void
become_session_leader (gpointer user_data)
{
  setsid ();
}

static void
ignore_notice (void       *user_data,
               const char *message)
{
}

static void
start_watchdog (GhTestPg *pg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pg_ctl = g_build_filename (pg->bindir, "pg_ctl", NULL);
  g_autofree char *script = NULL;
  int fds[2], null_fd;
  const char *argv[] = { "/bin/sh", "-c", NULL, "gh-test-pg-watchdog", NULL };

  /* Reads until EOF: that is, until every holder of the write end is gone. */
  script = g_strdup_printf ("cat >/dev/null; %s '%s' stop -D '%s' -m immediate -w >/dev/null 2>&1;"
                            " rm -rf '%s'", geteuid () == 0 ? "runuser -u postgres --" : "",
                            pg_ctl, pg->data_dir, pg->dir);
  argv[2] = script;
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  /* Its own session: a signal meant for the test's process group must not reach it. */
  /* Its output must not hold the TAP stream open after we are gone. */
  null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (null_fd, >=, 0);
  g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                          become_session_leader, NULL,
                          &pg->watchdog_pid, fds[0], null_fd, null_fd, &error);
  g_assert_no_error (error);
  close (fds[0]);
  close (null_fd);
  pg->watchdog_fd = fds[1];
}

static void
write_config (GhTestPg *pg,
              gboolean  durable)
{
  g_autofree char *conf = g_build_filename (pg->data_dir, "postgresql.conf", NULL);
  g_autofree char *hba = g_build_filename (pg->data_dir, "pg_hba.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *old = NULL;
  g_autofree char *all = NULL;

  g_assert_true (g_file_get_contents (conf, &old, NULL, &error));
  settings = g_strdup_printf ("\n# gh-test-pg\n"
                              "listen_addresses = '127.0.0.1'\n"
                              "port = %d\n"
                              "unix_socket_directories = '%s'\n"
                              "max_connections = 150\n"
                              "password_encryption = 'scram-sha-256'\n"
                              "fsync = %s\n"
                              "synchronous_commit = %s\n"
                              "full_page_writes = %s\n"
                              "logging_collector = off\n",
                              pg->port, pg->dir, durable ? "on" : "off",
                              durable ? "on" : "off", durable ? "on" : "off");
  all = g_strconcat (old, settings, NULL);
  g_assert_true (g_file_set_contents (conf, all, -1, &error));
  g_assert_true (g_file_set_contents (hba,
                                      "local all all trust\n"
                                      "host all postgres 127.0.0.1/32 trust\n"
                                      "host all all 127.0.0.1/32 scram-sha-256\n", -1, &error));
  g_assert_no_error (error);
  if (geteuid () == 0)
    {
      struct passwd *user = getpwnam ("postgres");
      g_assert_nonnull (user);
      g_assert_cmpint (chown (conf, user->pw_uid, user->pw_gid), ==, 0);
      g_assert_cmpint (chown (hba, user->pw_uid, user->pw_gid), ==, 0);
    }
}

GhTestPg *
gh_test_pg_start (gboolean   durable,
                  char     **skip_reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bindir = find_bindir ();
  g_autofree char *log = NULL;
  GhTestPg *pg;
  gboolean started = FALSE;

  if (bindir == NULL)
    {
      *skip_reason = g_strdup ("PostgreSQL server binaries not found (install the postgresql "
                               "package, or set GLASSHOUSE_PG_BINDIR)");
      return NULL;
    }
  if (geteuid () == 0 && getpwnam ("postgres") == NULL)
    {
      *skip_reason = g_strdup ("running as root and there is no postgres user to run the server");
      return NULL;
    }

  pg = g_new0 (GhTestPg, 1);
  pg->bindir = g_steal_pointer (&bindir);
  pg->dir = g_dir_make_tmp ("glasshouse-pg-XXXXXX", &error);
  g_assert_no_error (error);
  pg->data_dir = g_build_filename (pg->dir, "data", NULL);
  log = g_build_filename (pg->dir, "server.log", NULL);
  if (geteuid () == 0)
    {
      struct passwd *user = getpwnam ("postgres");
      g_assert_cmpint (chown (pg->dir, user->pw_uid, user->pw_gid), ==, 0);
    }
  start_watchdog (pg);

  {
    const char *args[] = { "-D", pg->data_dir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                           "--locale=C", "--no-sync", "--no-instructions", NULL };
    run_as_server_user (pg, "initdb", args, TRUE, NULL);
  }

  /* Another engineer's test may take "our" free port between the probe and the start. */
  for (int attempt = 0; attempt < 5 && !started; attempt++)
    {
      const char *args[] = { "start", "-D", pg->data_dir, "-l", log, "-w", "-t", "120", NULL };
      g_autofree char *conf = g_build_filename (pg->data_dir, "postgresql.conf", NULL);

      pg->port = gh_test_free_port ();
      write_config (pg, durable);
      run_as_server_user (pg, "pg_ctl", args, FALSE, &started);
      if (!started)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_test_message ("PostgreSQL did not start on port %d: %s", pg->port, text);
          /* Put the pristine config back before trying the next port. */
          {
            g_autofree char *old = NULL;
            char *mark;

            g_assert_true (g_file_get_contents (conf, &old, NULL, NULL));
            if ((mark = strstr (old, "\n# gh-test-pg\n")) != NULL)
              *mark = '\0';
            g_assert_true (g_file_set_contents (conf, old, -1, NULL));
          }
        }
    }
  if (!started)
    gh_test_fail ("could not start a PostgreSQL server in %s", pg->dir);
  return pg;
}

GhTestPg *
gh_test_pg_start_sealed (gboolean   durable,
                         char     **skip_reason)
{
  g_setenv ("PGPASSFILE", "/nonexistent/glasshouse-no-pgpass", TRUE);
  g_unsetenv ("PGPASSWORD");
  return gh_test_pg_start (durable, skip_reason);
}

void
gh_test_pg_stop (GhTestPg *pg)
{
  int status;

  if (pg == NULL)
    return;
  close (pg->watchdog_fd);
  while (waitpid (pg->watchdog_pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (pg->watchdog_pid);
  g_free (pg->dir);
  g_free (pg->data_dir);
  g_free (pg->bindir);
  g_free (pg);
}

int
gh_test_pg_port (GhTestPg *pg)
{
  return pg->port;
}

char *
gh_test_pg_conninfo (GhTestPg   *pg,
                     const char *dbname,
                     const char *user,
                     const char *password)
{
  g_autofree char *base = g_strdup_printf ("host=127.0.0.1 port=%d dbname=%s user=%s",
                                           pg->port, dbname, user);

  if (password == NULL)
    return g_steal_pointer (&base);
  return g_strdup_printf ("%s password=%s", base, password);
}

PGconn *
gh_test_pg_admin (GhTestPg   *pg,
                  const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s port=%d dbname=%s user=postgres",
                                               pg->dir, pg->port, dbname);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    gh_test_fail ("cannot connect to the test server: %s", PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  return conn;
}

void
gh_test_pg_exec (PGconn     *conn,
                 const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    gh_test_fail ("SQL failed: %s\n%s", sql, PQerrorMessage (conn));
  PQclear (result);
}

char *
gh_test_pg_value (PGconn     *conn,
                  const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  char *value;

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) < 1)
    gh_test_fail ("SQL returned no row: %s\n%s", sql, PQerrorMessage (conn));
  value = PQgetisnull (result, 0, 0) ? NULL : g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

gint64
gh_test_pg_int (PGconn     *conn,
                const char *sql)
{
  g_autofree char *value = gh_test_pg_value (conn, sql);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

GPid
gh_test_pg_postmaster_pid (GhTestPg *pg)
{
  g_autofree char *pid_file = g_build_filename (pg->data_dir, "postmaster.pid", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (pid_file, &text, NULL, NULL));
  return (GPid) g_ascii_strtoll (text, NULL, 10);
}

char *
gh_test_pg_dump (GhTestPg   *pg,
                 const char *dbname)
{
  g_autofree char *pg_dump = g_build_filename (pg->bindir, "pg_dump", NULL);
  g_autofree char *port = g_strdup_printf ("%d", pg->port);
  const char *argv[] = { pg_dump, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", dbname,
                         NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    gh_test_fail ("pg_dump failed: %s", err);
  return out;
}
