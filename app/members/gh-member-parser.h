/* The member feed read and checked on a thread of its own, a batch of lines at a
 * time, while the caller writes the previous batch to the store: parsing and
 * sqlite then share the machine's two cores. Batches come out in feed order and
 * at most a few are in memory at once, whatever the feed's size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-catalog.h"
#include "members/gh-line-reader.h"
#include "members/gh-member-feed.h"

G_BEGIN_DECLS

/* One line: a member to apply, or a refusal (@member NULL, @message set; @text a
 * copy of the line for the rejects file, NULL when it was too long to keep). */
typedef struct {
  guint64   number;
  GhMember *member;
  char     *message;
  char     *text;
  gsize     length;
} GhMemberEntry;

typedef struct {
  GArray   *entries;     /* GhMemberEntry, in feed order; blank lines are left out */
  guint     lines;       /* lines read for this batch, blank ones included */
  guint64   bytes_read;  /* of the whole feed, after this batch */
  gboolean  last;        /* no batch follows */
  GError   *error;       /* reading failed (then last is TRUE) */
} GhMemberBatch;

typedef struct _GhMemberParser GhMemberParser;

/* Reads and checks the feed's first line, its header (the kiosk's import and HQ's
 * share it); GH_MEMBER_IMPORT_ERROR_FEED "1: <reason>" when it is refused. */
gboolean        gh_member_parser_read_header (GhLineReader  *reader,
                                              const char    *store_id,
                                              GCancellable  *cancellable,
                                              GError       **error);

/* Starts reading @reader (past the header) on a thread. */
GhMemberParser *gh_member_parser_start (GhLineReader    *reader,
                                        GhCatalog       *catalog,
                                        const char      *store_id,
                                        guint            batch_lines,
                                        GCancellable    *cancellable);
/* The next batch, waiting for it; hand it back with gh_member_parser_release. */
GhMemberBatch  *gh_member_parser_next    (GhMemberParser  *parser);
void            gh_member_parser_release (GhMemberParser  *parser,
                                          GhMemberBatch   *batch);
/* Stops the thread (wherever it is), waits for it and frees everything. */
void            gh_member_parser_free    (GhMemberParser  *parser);

G_END_DECLS
