/* A pool of libpq connections to HQ for the portal's worker threads. The
 * conninfo may hold a password: no message repeats it. Connections carry a
 * statement_timeout, and waiting for one is bounded, so no request can hang
 * on HQ longer than the portal's request limit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include "portal/gh-portal-db.h"

#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK (gh-portal-db-error-quark, gh_portal_db_error)

struct _GhPortalDb {
  char        *conninfo;
  int          pool_size;
  int          timeout_seconds;
  GAsyncQueue *idle;      /* PGconn* ready for use */
  GMutex       lock;
  int          open;      /* connections that exist, idle or taken */
};

GhPortalDb *
gh_portal_db_new (const char *conninfo,
                  int         pool_size,
                  int         timeout_seconds)
{
  GhPortalDb *db = g_new0 (GhPortalDb, 1);

  db->conninfo = g_strdup (conninfo);
  db->pool_size = MAX (pool_size, 1);
  db->timeout_seconds = MAX (timeout_seconds, 1);
  db->idle = g_async_queue_new ();
  g_mutex_init (&db->lock);
  return db;
}

void
gh_portal_db_free (GhPortalDb *db)
{
  PGconn *conn;

  if (db == NULL)
    return;
  while ((conn = g_async_queue_try_pop (db->idle)) != NULL)
    PQfinish (conn);
  g_async_queue_unref (db->idle);
  g_mutex_clear (&db->lock);
  g_free (db->conninfo);
  g_free (db);
}

static PGconn *
connect_one (GhPortalDb  *db,
             GError     **error)
{
  g_autofree char *timeout = g_strdup_printf ("%d", db->timeout_seconds);
  g_autofree char *options = g_strdup_printf ("-c statement_timeout=%d -c lock_timeout=%d",
                                              db->timeout_seconds * 1000,
                                              db->timeout_seconds * 1000);
  const char *keys[] = { "dbname", "connect_timeout", "options", "application_name", NULL };
  const char *values[] = { db->conninfo, timeout, options, "glasshouse-portal", NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 1);

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      /* libpq's message may name the host, never the password; keep it short. */
      g_autofree char *why = g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory");
      g_strstrip (why);
      if (strchr (why, '\n') != NULL)
        *strchr (why, '\n') = '\0';
      g_set_error (error, GH_PORTAL_DB_ERROR, GH_PORTAL_DB_ERROR_UNAVAILABLE,
                   "HQ's PostgreSQL is unavailable: %s", why);
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

PGconn *
gh_portal_db_take (GhPortalDb  *db,
                   GError     **error)
{
  PGconn *conn = g_async_queue_try_pop (db->idle);
  gboolean may_open;

  if (conn != NULL)
    return conn;
  g_mutex_lock (&db->lock);
  may_open = db->open < db->pool_size;
  if (may_open)
    db->open++;
  g_mutex_unlock (&db->lock);
  if (may_open)
    {
      conn = connect_one (db, error);
      if (conn == NULL)
        {
          g_mutex_lock (&db->lock);
          db->open--;
          g_mutex_unlock (&db->lock);
        }
      return conn;
    }
  conn = g_async_queue_timeout_pop (db->idle, (guint64) db->timeout_seconds * G_USEC_PER_SEC);
  if (conn == NULL)
    g_set_error (error, GH_PORTAL_DB_ERROR, GH_PORTAL_DB_ERROR_UNAVAILABLE,
                 "every connection to HQ stayed busy for %d s", db->timeout_seconds);
  return conn;
}

void
gh_portal_db_give (GhPortalDb *db,
                   PGconn     *conn)
{
  if (conn == NULL)
    return;
  if (PQstatus (conn) != CONNECTION_OK || PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      PQfinish (conn);
      g_mutex_lock (&db->lock);
      db->open--;
      g_mutex_unlock (&db->lock);
      return;
    }
  g_async_queue_push (db->idle, conn);
}

PGresult *
gh_portal_db_exec (PGconn              *conn,
                   const char          *sql,
                   int                  n_params,
                   const char * const  *params,
                   GError             **error)
{
  PGresult *result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
    return result;
  {
    /* The server's primary message only: its DETAIL may quote the values. */
    const char *primary = PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);
    g_set_error (error, GH_PORTAL_DB_ERROR,
                 PQstatus (conn) == CONNECTION_OK ? GH_PORTAL_DB_ERROR_FAILED
                                                  : GH_PORTAL_DB_ERROR_UNAVAILABLE,
                 "HQ refused a statement: %s",
                 primary != NULL ? primary : "the connection was lost");
  }
  PQclear (result);
  return NULL;
}
