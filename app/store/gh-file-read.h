/* Reading an input file with its size limit enforced while reading.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GH_FILE_READ_DEFAULT   = 0,
  GH_FILE_READ_NO_FOLLOW = 1 << 0,   /* a symbolic link is refused, not followed */
  GH_FILE_READ_OWNED     = 1 << 1,   /* the file must belong to this process's user */
} GhFileReadFlags;

/* The bytes of the regular file at @path, at most @max_bytes of them. The file is
 * opened without blocking (a FIFO never hangs the reader) and checked with fstat on
 * the open descriptor, so what is checked is what is read; it is read in chunks and
 * refused at the first byte past the limit, so /dev/zero or a growing file cannot
 * exhaust memory. Errors are G_IO_ERROR, one line: "<path>: larger than N bytes",
 * "<path>: a FIFO, not a regular file", "<path>: a symbolic link (not followed)",
 * "<path>: not owned by this user". They never quote the file's content. */
GBytes *gh_file_read_bounded (const char       *path,
                              gsize             max_bytes,
                              GhFileReadFlags   flags,
                              GError          **error);

G_END_DECLS
