/* GhHq: one libpq connection to HQ's PostgreSQL, its errors in words, and HQ's
 * schema. The pusher that empties the kiosk's outbox into it is gh-hq-push.c.
 * Connection strings carry passwords, so messages only ever name
 * "user@host:port/dbname".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq.h"
#include "hq/gh-hq-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gh-hq-resources.h"

#define DEFAULT_CONNECT_TIMEOUT 10
/* How long a step of a push may wait for HQ's answers. A stopped or wedged server
 * keeps TCP alive (its kernel still acknowledges), so neither keepalives nor
 * statement_timeout end the wait; only the client can. */
#define DEFAULT_ANSWER_TIMEOUT 120

G_DEFINE_FINAL_TYPE (GhHq, gh_hq, G_TYPE_OBJECT)

G_DEFINE_QUARK (gh-hq-error-quark, gh_hq_error)

static void
gh_hq_finalize (GObject *object)
{
  GhHq *self = GH_HQ (object);

  if (self->watchdog != NULL)
    {
      g_mutex_lock (&self->watchdog_lock);
      self->stopping = TRUE;
      g_cond_signal (&self->watchdog_cond);
      g_mutex_unlock (&self->watchdog_lock);
      g_thread_join (self->watchdog);
    }
  g_mutex_clear (&self->watchdog_lock);
  g_cond_clear (&self->watchdog_cond);
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->target);

  G_OBJECT_CLASS (gh_hq_parent_class)->finalize (object);
}

static void
gh_hq_class_init (GhHqClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_hq_finalize;
}

static void
gh_hq_init (GhHq *self)
{
  g_mutex_init (&self->watchdog_lock);
  g_cond_init (&self->watchdog_cond);
  self->answer_timeout = DEFAULT_ANSWER_TIMEOUT;
}

/* $GLASSHOUSE_HQ_TIMEOUT: seconds for connecting and for each answer (tests make it short). */
static int
timeout_from_environment (int fallback)
{
  const char *text = g_getenv ("GLASSHOUSE_HQ_TIMEOUT");
  gint64 value = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;

  return value > 0 && value < 86400 ? (int) value : fallback;
}

static gpointer
watchdog_thread (gpointer data)
{
  GhHq *self = data;

  g_mutex_lock (&self->watchdog_lock);
  while (!self->stopping)
    {
      if (self->deadline == 0)
        g_cond_wait (&self->watchdog_cond, &self->watchdog_lock);
      else if (!g_cond_wait_until (&self->watchdog_cond, &self->watchdog_lock, self->deadline)
               && !self->stopping && self->deadline != 0
               && g_get_monotonic_time () >= self->deadline)
        {
          /* The blocked libpq call sees the connection end and returns. */
          g_atomic_int_set (&self->timed_out, 1);
          shutdown (PQsocket (self->conn), SHUT_RDWR);
          self->deadline = 0;
        }
    }
  g_mutex_unlock (&self->watchdog_lock);
  return NULL;
}

void
_gh_hq_arm_deadline (GhHq *self)
{
  g_mutex_lock (&self->watchdog_lock);
  if (self->watchdog == NULL)
    self->watchdog = g_thread_new ("gh-hq-deadline", watchdog_thread, self);
  self->deadline = g_get_monotonic_time () + (gint64) self->answer_timeout * G_USEC_PER_SEC;
  g_cond_signal (&self->watchdog_cond);
  g_mutex_unlock (&self->watchdog_lock);
}

void
_gh_hq_disarm_deadline (GhHq *self)
{
  g_mutex_lock (&self->watchdog_lock);
  self->deadline = 0;
  g_cond_signal (&self->watchdog_cond);
  g_mutex_unlock (&self->watchdog_lock);
}

/* libpq's messages span lines ("...failed: Connection refused\n\tIs the server
 * running...?"); the CLI's contract is one line. */
static char *
one_line (const char *message)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = message != NULL ? message : ""; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }
  if (out->len == 0)
    g_string_append (out, "no details from libpq");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
describe_target (PGconn *conn)
{
  const char *host = PQhost (conn);
  const char *port = PQport (conn);

  return g_strdup_printf ("%s@%s:%s/%s", PQuser (conn) ? PQuser (conn) : "?",
                          host != NULL && *host != '\0' ? host : "localhost",
                          port != NULL && *port != '\0' ? port : "5432",
                          PQdb (conn) ? PQdb (conn) : "?");
}

/* The SQLSTATE in a verbose libpq message ("FATAL:  28P01: password ..."), or NULL
 * when no server said anything (nothing listening, a timeout). Every SQLSTATE has a
 * digit, which tells it from a five-letter severity such as "FATAL". */
static char *
find_sqlstate (const char *message)
{
  g_autoptr(GRegex) regex = g_regex_new ("(?:^|\\s)((?=[A-Z]{0,4}[0-9])[0-9A-Z]{5}): ",
                                             0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (message != NULL && g_regex_match (regex, message, 0, &match))
    return g_match_info_fetch (match, 1);
  return NULL;
}

/* The message without the LOCATION lines that verbose mode adds. */
static char *
connect_detail (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message != NULL ? message : "", "\n", -1);
  g_autoptr(GString) kept = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "LOCATION:"))
      g_string_append_printf (kept, "%s\n", lines[i]);
  return one_line (kept->str);
}

/* PQconnectdbParams, but with verbose errors, so that a refusal carries its SQLSTATE
 * (28P01 bad password, 3D000 no such database) in whatever language the server
 * speaks; and the timeout is ours, since only PQconnectdb honours connect_timeout. */
static PGconn *
connect_verbose (const char * const  *keywords,
                 const char * const  *values,
                 int                  timeout_seconds,
                 gboolean            *timed_out)
{
  PGconn *conn = PQconnectStartParams (keywords, values, TRUE);
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;

  *timed_out = FALSE;
  if (conn == NULL || PQstatus (conn) == CONNECTION_BAD)
    return conn;
  PQsetErrorVerbosity (conn, PQERRORS_VERBOSE);
  while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED)
    {
      struct pollfd fd = { PQsocket (conn), state == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      int rc;

      if (left <= 0)
        {
          *timed_out = TRUE;
          break;
        }
      rc = poll (&fd, 1, (int) MIN (left / 1000 + 1, G_MAXINT));
      if (rc < 0 && errno != EINTR)
        break;
      if (rc > 0)
        state = PQconnectPoll (conn);
    }
  if (conn != NULL && PQstatus (conn) == CONNECTION_OK)
    PQsetErrorVerbosity (conn, PQERRORS_DEFAULT);
  return conn;
}

GhHq *
gh_hq_connect (const char  *conninfo,
               GError     **error)
{
  /* Entries before "dbname" are defaults the string may override; those after it win.
   * Keepalives notice a peer that is gone (a cable, a crashed host), statement_timeout
   * a statement the server itself cannot finish; the answer deadline covers the rest. */
  int answer = timeout_from_environment (DEFAULT_ANSWER_TIMEOUT);
  g_autofree char *statement = g_strdup_printf ("-c statement_timeout=%ds", answer);
  g_autofree char *user_timeout = g_strdup_printf ("%d", answer * 1000);
  const char *keywords[] = { "fallback_application_name", "keepalives", "keepalives_idle",
                             "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                             "options", "dbname", "client_encoding", NULL };
  const char *values[] = { "glasshouse-push", "1", "30", "10", "3", user_timeout,
                           statement, conninfo, "UTF8", NULL };
  g_autoptr(GhHq) self = NULL;
  PQconninfoOption *parsed;
  char *parse_error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *sqlstate = NULL;
  int timeout = timeout_from_environment (DEFAULT_CONNECT_TIMEOUT);
  gboolean timed_out = FALSE;

  g_return_val_if_fail (conninfo != NULL, NULL);

  /* libpq's parse error quotes the string, which may hold the password: say only where to look. */
  parsed = PQconninfoParse (conninfo, &parse_error);
  if (parsed == NULL)
    {
      PQfreemem (parse_error);
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_CONNINFO,
                   "CONNINFO is not a libpq connection string (key=value ...) or URI "
                   "(postgresql://user@host:port/dbname)");
      return NULL;
    }
  for (PQconninfoOption *option = parsed; option->keyword != NULL; option++)
    if (g_str_equal (option->keyword, "connect_timeout") && option->val != NULL
        && atoi (option->val) > 0)
      timeout = MAX (atoi (option->val), 2);
  PQconninfoFree (parsed);

  self = g_object_new (GH_TYPE_HQ, NULL);
  self->answer_timeout = answer;
  self->conn = connect_verbose (keywords, values, timeout, &timed_out);
  if (self->conn == NULL)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED, "HQ: libpq is out of memory");
      return NULL;
    }
  self->target = describe_target (self->conn);
  if (PQstatus (self->conn) == CONNECTION_OK)
    return g_steal_pointer (&self);

  if (timed_out)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE,
                   "HQ %s is unreachable: no answer within %d s", self->target, timeout);
      return NULL;
    }
  detail = connect_detail (PQerrorMessage (self->conn));
  sqlstate = find_sqlstate (PQerrorMessage (self->conn));
  if (PQconnectionNeedsPassword (self->conn))
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_AUTH,
                 "HQ %s wants a password and none was given (put it in CONNINFO, "
                 "PGPASSWORD or ~/.pgpass)", self->target);
  else if (g_strcmp0 (sqlstate, "28P01") == 0)
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_AUTH,
                 "HQ %s rejected the credentials: %s", self->target, detail);
  else if (g_strcmp0 (sqlstate, "57P03") == 0 || g_strcmp0 (sqlstate, "53300") == 0)
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE,
                 "HQ %s is not accepting connections now: %s", self->target, detail);
  else if (sqlstate != NULL)
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_REFUSED,
                 "HQ %s refused the connection: %s", self->target, detail);
  else
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE,
                 "HQ %s is unreachable: %s", self->target, detail);
  return NULL;
}

const char *
gh_hq_get_target (GhHq *self)
{
  g_return_val_if_fail (GH_IS_HQ (self), NULL);
  return self->target;
}

/* Turns a failed statement into a GError that says which step, where, and why. */
void
_gh_hq_set_result_error (GhHq        *self,
                         PGresult    *result,
                         const char  *what,
                         GError     **error)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                                      : NULL;
  g_autofree char *detail = one_line (primary != NULL ? primary : PQerrorMessage (self->conn));
  GhHqError code = GH_HQ_ERROR_FAILED;

  if (g_atomic_int_get (&self->timed_out))
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE,
                   "HQ %s did not answer within %d s (while %s)", self->target,
                   self->answer_timeout, what);
      return;
    }
  if (PQstatus (self->conn) != CONNECTION_OK
      || (sqlstate != NULL && g_str_has_prefix (sqlstate, "08"))
      || g_strcmp0 (sqlstate, "57P01") == 0 || g_strcmp0 (sqlstate, "57P02") == 0
      || g_strcmp0 (sqlstate, "57P03") == 0)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE,
                   "HQ %s: lost the connection while %s: %s", self->target, what, detail);
      return;
    }
  if (g_strcmp0 (sqlstate, "42501") == 0 || g_strcmp0 (sqlstate, "42P01") == 0
      || g_strcmp0 (sqlstate, "3F000") == 0)
    code = g_strcmp0 (sqlstate, "42501") == 0 ? GH_HQ_ERROR_REFUSED : GH_HQ_ERROR_NO_SCHEMA;
  /* HQ's arrival checks (schema.sql: event_arrived) refuse an event that does not fit
   * the kiosk's chain as HQ holds it. */
  else if (g_strcmp0 (sqlstate, "23514") == 0)
    code = GH_HQ_ERROR_CONFLICT;
  g_set_error (error, GH_HQ_ERROR, code, "HQ %s: %s: %s", self->target, what, detail);
}

gboolean
_gh_hq_check_result (GhHq            *self,
                     PGresult        *result,
                     ExecStatusType   expected,
                     const char      *what,
                     GError         **error)
{
  if (result != NULL && PQresultStatus (result) == expected)
    return TRUE;
  _gh_hq_set_result_error (self, result, what, error);
  return FALSE;
}

gboolean
_gh_hq_exec_command (GhHq        *self,
                     const char  *sql,
                     const char  *what,
                     GError     **error)
{
  g_autoptr(PGresult) result = PQexec (self->conn, sql);
  return _gh_hq_check_result (self, result, PGRES_COMMAND_OK, what, error);
}

/* COPY's text format: backslash, tab, newline and carriage return are escaped; NULL is \N. */
void
_gh_hq_copy_field (GString    *line,
                   const char *value,
                   gboolean    last)
{
  if (value == NULL)
    g_string_append (line, "\\N");
  else
    for (const char *p = value; *p != '\0'; p++)
      switch (*p)
        {
        case '\\': g_string_append (line, "\\\\"); break;
        case '\t': g_string_append (line, "\\t"); break;
        case '\n': g_string_append (line, "\\n"); break;
        case '\r': g_string_append (line, "\\r"); break;
        default: g_string_append_c (line, *p); break;
        }
  g_string_append_c (line, last ? '\n' : '\t');
}

void
_gh_hq_rollback (GhHq *self)
{
  if (PQstatus (self->conn) == CONNECTION_OK
      && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    {
      g_autoptr(PGresult) result = PQexec (self->conn, "ROLLBACK");
    }
}

static void
ignore_notice (void       *user_data,
               const char *message)
{
}

GBytes *
gh_hq_schema_sql (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *sql = g_resource_lookup_data (gh_hq_get_resource (), "/org/glasshouse/hq/schema.sql",
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  /* Compiled in: missing means a broken build, not a runtime condition. */
  g_assert_no_error (error);
  return sql;
}

gboolean
gh_hq_init_schema (GhHq    *self,
                   GError **error)
{
  g_autoptr(GBytes) sql = gh_hq_schema_sql ();
  g_autofree char *text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (GH_IS_HQ (self), FALSE);

  /* One simple-protocol query string runs as one implicit transaction: all or nothing.
   * The NOTICEs of a re-run ("already exists, skipping") are expected; keep them off stderr. */
  PQsetNoticeProcessor (self->conn, ignore_notice, NULL);
  /* hq init against a hung HQ gives up like a push does. */
  _gh_hq_arm_deadline (self);
  result = PQexec (self->conn, text);
  _gh_hq_disarm_deadline (self);
  if (result != NULL && PQresultStatus (result) == PGRES_TUPLES_OK)
    return TRUE;
  if (!_gh_hq_check_result (self, result, PGRES_COMMAND_OK, "creating the Glasshouse schema",
                            error))
    return FALSE;
  self->schema_checked = FALSE;
  return TRUE;
}

char *
gh_hq_text_array_literal (const char * const *values)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *p = values[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
