/* The portal's PostgreSQL connections: a small pool that worker threads take a
 * connection from and give back, each with a statement timeout, so a slow or
 * hung HQ answers a request with an error page in bounded time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define GH_PORTAL_DB_ERROR (gh_portal_db_error_quark ())
GQuark gh_portal_db_error_quark (void);

typedef enum {
  GH_PORTAL_DB_ERROR_UNAVAILABLE,  /* cannot connect, or every connection is busy too long */
  GH_PORTAL_DB_ERROR_FAILED,       /* a statement failed */
} GhPortalDbError;

typedef struct _GhPortalDb GhPortalDb;

/* @timeout_seconds bounds connecting, waiting for a free connection and each statement. */
GhPortalDb *gh_portal_db_new    (const char  *conninfo,
                                 int          pool_size,
                                 int          timeout_seconds);
void        gh_portal_db_free   (GhPortalDb  *db);
PGconn     *gh_portal_db_take   (GhPortalDb  *db,
                                 GError     **error);
/* Gives @conn back; a broken one is closed instead. */
void        gh_portal_db_give   (GhPortalDb  *db,
                                 PGconn      *conn);

/* Runs @sql with text parameters; returns the result when it succeeded, else
 * NULL with an error that names no parameter value. */
PGresult   *gh_portal_db_exec   (PGconn              *conn,
                                 const char          *sql,
                                 int                  n_params,
                                 const char * const  *params,
                                 GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
