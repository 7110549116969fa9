/* A bounded line reader over a GInputStream (see the header for why).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include <string.h>

#include "members/gh-line-reader.h"

#define CHUNK (256 * 1024)

struct _GhLineReader {
  GInputStream *input;
  gsize         max_line;
  char         *buffer;
  gsize         capacity;
  gsize         start;       /* the first byte not yet handed out */
  gsize         end;         /* one past the last byte read */
  gboolean      eof;
  guint64       line_number;
  guint64       bytes_read;
};

GhLineReader *
gh_line_reader_new (GInputStream *input,
                    gsize         max_line)
{
  GhLineReader *reader = g_new0 (GhLineReader, 1);

  reader->input = g_object_ref (input);
  reader->max_line = max_line;
  /* Room for a whole line of the bound plus one chunk read past it. */
  reader->capacity = max_line + CHUNK + 1;
  reader->buffer = g_malloc (reader->capacity);
  return reader;
}

void
gh_line_reader_free (GhLineReader *reader)
{
  if (reader == NULL)
    return;
  g_object_unref (reader->input);
  /* Lines are members' personal data. */
  memset (reader->buffer, 0, reader->capacity);
  g_free (reader->buffer);
  g_free (reader);
}

guint64
gh_line_reader_get_line_number (GhLineReader *reader)
{
  return reader->line_number;
}

guint64
gh_line_reader_get_bytes_read (GhLineReader *reader)
{
  return reader->bytes_read;
}

/* Moves what is left to the front and reads one more chunk. FALSE on a read error. */
static gboolean
fill (GhLineReader  *reader,
      GCancellable  *cancellable,
      GError       **error)
{
  gssize n;

  if (reader->start > 0)
    {
      memmove (reader->buffer, reader->buffer + reader->start, reader->end - reader->start);
      reader->end -= reader->start;
      reader->start = 0;
    }
  n = g_input_stream_read (reader->input, reader->buffer + reader->end,
                           MIN (CHUNK, reader->capacity - reader->end - 1), cancellable, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    reader->eof = TRUE;
  reader->end += n;
  reader->bytes_read += n;
  return TRUE;
}

GhLineStatus
gh_line_reader_next (GhLineReader  *reader,
                     const char   **line,
                     gsize         *length,
                     gboolean      *newline,
                     GCancellable  *cancellable,
                     GError       **error)
{
  gboolean skipping = FALSE;
  gsize scanned = 0;  /* bytes of the current line already searched for a newline */

  for (;;)
    {
      char *begin = reader->buffer + reader->start;
      gsize available = reader->end - reader->start;
      char *nl = memchr (begin + scanned, '\n', available - scanned);

      if (nl != NULL)
        {
          gsize n = nl - begin;

          reader->start += n + 1;
          reader->line_number++;
          if (skipping || n > reader->max_line)
            return GH_LINE_TOO_LONG;
          *line = begin;
          *length = n;
          *newline = TRUE;
          begin[n] = '\0';
          return GH_LINE_OK;
        }
      scanned = available;
      if (available > reader->max_line)
        {
          /* Drop what we have of the long line and keep reading to its end. */
          skipping = TRUE;
          reader->start = reader->end;
          scanned = 0;
        }
      if (reader->eof)
        {
          if (!skipping && available == 0)
            return GH_LINE_END;
          reader->start = reader->end;
          reader->line_number++;
          if (skipping)
            return GH_LINE_TOO_LONG;
          *line = begin;
          *length = available;
          *newline = FALSE;
          begin[available] = '\0';
          return GH_LINE_OK;
        }
      if (!fill (reader, cancellable, error))
        return GH_LINE_ERROR;
    }
}
