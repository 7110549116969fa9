/* Importing the member feed into a kiosk's store: streamed in constant memory,
 * applied in transactions of a few thousand lines, idempotent.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_MEMBER_IMPORT_ERROR (gh_member_import_error_quark ())
GQuark gh_member_import_error_quark (void);

typedef enum {
  GH_MEMBER_IMPORT_ERROR_FEED,       /* no header, a header for another format or store, empty */
  GH_MEMBER_IMPORT_ERROR_NO_CONFIG,  /* no configuration applied: nothing to check lines against */
  GH_MEMBER_IMPORT_ERROR_READ,       /* the input could not be read */
} GhMemberImportError;

/* Members counts by what happened to each line; items and consents in detail. */
typedef struct {
  guint64 lines;             /* member lines read, the header not counted */
  guint64 added;             /* members new to the store */
  guint64 updated;           /* members with any change: name, PIN, items or consents */
  guint64 unchanged;
  guint64 deleted;           /* tombstones applied: the member was erased */
  guint64 refused;           /* lines that broke a rule, reported through on_refused */
  guint64 suppressed;        /* members who asked to be forgotten earlier: never brought back */
  guint64 items_added;
  guint64 items_updated;
  guint64 items_deleted;
  guint64 consents_added;    /* the consents of members new to the store */
  guint64 consents_changed;  /* decisions the feed made newer than the store's */
  guint64 bytes_read;
} GhMemberImportSummary;

/* A refused line. @line is NULL when it was too long to keep (it is not held in
 * memory); @message is "<json path>: <reason>" without personal data. */
typedef void (*GhMemberImportRefused) (guint64      line_number,
                                       const char  *line,
                                       gsize        length,
                                       const char  *message,
                                       gpointer     user_data);
typedef void (*GhMemberImportProgress) (const GhMemberImportSummary *so_far,
                                        gpointer                     user_data);

typedef struct {
  const char             *actor;         /* who imports, in the events; NULL: "crm" */
  GhCatalog              *catalog;       /* what lines are checked against; NULL: the store's
                                          * active configuration */
  guint                   batch_lines;   /* lines per transaction; 0: 2,000 */
  gint64                  now;           /* unix seconds; 0: the clock. Items retained until
                                          * then or earlier are not taken in */
  GhMemberImportRefused   on_refused;
  GhMemberImportProgress  on_progress;   /* after each committed batch */
  gpointer                user_data;
} GhMemberImportOptions;

/* Reads the feed from @input and applies every valid line to @store, checked
 * against @store's active configuration. A refused line is reported and counted,
 * never fatal; FALSE only when the feed as a whole is refused (header) or the
 * store fails, with everything committed before that kept. @summary may be NULL. */
gboolean gh_member_import (GhStore                      *store,
                           GInputStream                 *input,
                           const GhMemberImportOptions  *options,
                           GhMemberImportSummary        *summary,
                           GCancellable                 *cancellable,
                           GError                      **error);

/* The pseudonym the store gives a member the feed names without one: a keyed
 * hash of the loyalty number, so an erased member stays recognisable for the
 * suppression list without the store keeping the number. */
char    *gh_member_derive_ref (GhStore     *store,
                               const char  *loyalty_id,
                               GError     **error);

G_END_DECLS
