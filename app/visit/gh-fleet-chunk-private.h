/* Member lines staged by the chunk (gh-fleet-chunk.c), for gh-fleet-apply.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/gh-store.h"

G_BEGIN_DECLS

/* One member line of a chunk: its change number, ref and line (unescaped), and where its
 * row stands in the chunk's text. */
typedef struct {
  gint64  change_no;
  char   *ref;
  char   *line;
  gsize   raw_start;
  gsize   raw_end;
} GhFleetChunkLine;

/* The lines of a staged chunk, in change order; NULL (and @error) when the text is not the
 * rows of a COPY of (change_no, ref, line). */
GPtrArray *_gh_fleet_chunk_parse     (const char  *payload,
                                      GError     **error);
/* The chunk's rows from @lines[@from] on, leaving out those of @drop_ref (none when NULL),
 * as staged text; NULL when none is left. */
char      *_gh_fleet_chunk_rest      (const char  *payload,
                                      GPtrArray   *lines,
                                      guint        from,
                                      const char  *drop_ref);
/* Takes the lines of @ref out of every staged chunk, inside the caller's transaction: an
 * erasure must not leave the member's lines waiting in the stage. */
gboolean   _gh_fleet_chunks_drop_ref (GhStore     *store,
                                      const char  *ref,
                                      GError     **error);

G_END_DECLS
