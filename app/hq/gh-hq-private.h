/* What the connection (gh-hq.c) and the pusher (gh-hq-push.c) share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "hq/gh-hq.h"

G_BEGIN_DECLS

struct _GhHq
{
  GObject   parent_instance;
  PGconn   *conn;
  char     *target;
  gboolean  schema_checked;
  gboolean  staging_ready;   /* the push's temp table and statements (gh-hq-push.c) */

  /* The answer deadline (gh-hq.c): a watchdog thread shuts the socket down when HQ
   * has not answered in time, which is the one way to end a blocking libpq call. */
  int       answer_timeout;   /* seconds */
  GThread  *watchdog;
  GMutex    watchdog_lock;
  GCond     watchdog_cond;
  gint64    deadline;         /* monotonic; 0: none armed */
  gboolean  stopping;
  gint      timed_out;        /* atomic */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Turns a failed statement into a GError that says which step (@what), where, and why. */
void      _gh_hq_set_result_error (GhHq            *self,
                                   PGresult        *result,
                                   const char      *what,
                                   GError         **error);
/* TRUE if @result has the @expected status, else _gh_hq_set_result_error. */
gboolean  _gh_hq_check_result     (GhHq            *self,
                                   PGresult        *result,
                                   ExecStatusType   expected,
                                   const char      *what,
                                   GError         **error);
gboolean  _gh_hq_exec_command     (GhHq            *self,
                                   const char      *sql,
                                   const char      *what,
                                   GError         **error);
/* Gives HQ answer_timeout seconds from now to answer everything up to the next
 * call; past that the connection is cut and the step fails "did not answer within". */
void      _gh_hq_arm_deadline     (GhHq            *self);
void      _gh_hq_disarm_deadline  (GhHq            *self);
/* Appends @value (NULL: SQL NULL) as one field of a COPY text-format row, then a tab,
 * or the row's newline when @last. */
void      _gh_hq_copy_field       (GString         *line,
                                   const char      *value,
                                   gboolean         last);
/* Rolls back the open transaction, if the connection still has one. */
void      _gh_hq_rollback         (GhHq            *self);

G_END_DECLS
