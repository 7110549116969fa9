/* For libglasshouse's own modules (bundle apply, demo import, erasure, pusher):
 * the raw connection and the statement cache. Never for the UI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

sqlite3      *_gh_store_get_db        (GhStore     *self);
/* A prepared statement from the per-connection cache, reset and unbound. */
sqlite3_stmt *_gh_store_prepare       (GhStore     *self,
                                       const char  *sql,
                                       GError     **error);
/* Turns the connection's last error into a GError in GH_STORE_ERROR that says what and where. */
void          _gh_store_set_error     (GhStore     *self,
                                       int          rc,
                                       GError     **error,
                                       const char  *what);
/* Steps a statement that returns no rows and resets it; on failure sets
 * @error saying @what was being done. */
gboolean      _gh_store_step_done     (GhStore       *self,
                                       sqlite3_stmt  *stmt,
                                       const char    *what,
                                       GError       **error);
/* fsyncs the database file through sqlite's own handle (after work done with
 * synchronous=OFF). Never open() the store's file yourself: see check_header (). */
gboolean      _gh_store_sync_file     (GhStore       *self,
                                       GError       **error);
gboolean      _gh_store_exec          (GhStore     *self,
                                       const char  *sql,
                                       GError     **error);
gboolean      _gh_store_in_transaction (GhStore    *self);
/* The whole number the one-row query @sql answers, ?1 (if @sql has it) bound to @param;
 * -1 with @error (saying @what failed) when there is no row or sqlite fails. */
gint64        _gh_store_query_int64   (GhStore     *self,
                                       const char  *sql,
                                       gint64       param,
                                       const char  *what,
                                       GError     **error);
/* A copy of a text column, or NULL. */
char         *_gh_store_column_dup    (sqlite3_stmt  *stmt,
                                       int            column);
/* meta.retention_due_at: the earliest retained_until of any data item (or the
 * largest gint64), so the kiosk can tell between visits whether the retention job
 * has work without scanning the items. Every writer of data_item lowers it with
 * _gh_store_note_retention inside its transaction; gh_retention_run sets it anew. */
#define GH_STORE_META_RETENTION_DUE_AT "retention_due_at"
gboolean      _gh_store_note_retention (GhStore    *self,
                                        gint64      retained_until,
                                        GError    **error);

/* ISO 8601 UTC with microseconds, the format of event.at. */
char         *_gh_store_now_iso       (void);
/* @unix_seconds as ISO 8601 UTC to the second ("2026-03-12T09:00:00Z"), or
 * @fallback when GDateTime cannot hold it. */
char         *_gh_store_format_unix   (gint64         unix_seconds,
                                       const char    *fallback);

/* One member's current state of one purpose (@present FALSE when none is recorded; with
 * @same_notice, whether it was given under @notice_version), and writing it (the caller
 * records the event); gh-store-shoppers.c. */
gboolean _gh_store_read_consent_state (GhStore        *self,
                                       gint64          customer_id,
                                       const char     *purpose_id,
                                       const char     *notice_version,
                                       gboolean       *present,
                                       GhConsentState *state,
                                       gboolean       *same_notice,
                                       GError        **error);
gboolean _gh_store_write_consent_row  (GhStore        *self,
                                       gint64          customer_id,
                                       const char     *purpose_id,
                                       GhConsentState  state,
                                       const char     *notice_version,
                                       GError        **error);

G_END_DECLS
