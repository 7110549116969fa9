/* Lines from a stream with a bound on their length enforced while reading: a
 * line longer than the bound is skipped to its end without being held in memory,
 * so a 100 MB line or an endless stream without newlines costs a fixed buffer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _GhLineReader GhLineReader;

typedef enum {
  GH_LINE_OK,        /* *line and *length hold a line, without its newline */
  GH_LINE_TOO_LONG,  /* a line longer than the bound was skipped */
  GH_LINE_END,       /* no more lines */
  GH_LINE_ERROR,     /* reading failed: @error is set */
} GhLineStatus;

GhLineReader *gh_line_reader_new      (GInputStream  *input,
                                       gsize          max_line);
void          gh_line_reader_free     (GhLineReader  *reader);
/* The next line. *@line stays valid until the next call. *@newline says whether
 * the line ended with a newline (FALSE only for a last line cut short). */
GhLineStatus  gh_line_reader_next     (GhLineReader  *reader,
                                       const char   **line,
                                       gsize         *length,
                                       gboolean      *newline,
                                       GCancellable  *cancellable,
                                       GError       **error);
guint64       gh_line_reader_get_line_number (GhLineReader *reader);
guint64       gh_line_reader_get_bytes_read  (GhLineReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhLineReader, gh_line_reader_free)

G_END_DECLS
