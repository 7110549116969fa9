/* The parser thread of the member import (see the header). Two queues, as in a
 * pipeline of fixed buffers: empty batches go to the thread, full ones come back.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include "members/gh-member-parser.h"

#include "members/gh-member-import.h"

#define N_BATCHES 3

struct _GhMemberParser {
  GhLineReader *reader;
  GhCatalog    *catalog;
  char         *store_id;
  guint         batch_lines;
  GCancellable *cancellable;
  GAsyncQueue  *empty;
  GAsyncQueue  *full;
  gint          stop;
  GThread      *thread;
  gboolean      finished;   /* the last batch has been handed out */
};

static void
entry_clear (gpointer data)
{
  GhMemberEntry *entry = data;

  g_clear_pointer (&entry->member, gh_member_free);
  g_clear_pointer (&entry->message, g_free);
  if (entry->text != NULL)
    {
      /* A refused line is a member's personal data too. */
      memset (entry->text, 0, entry->length);
      g_clear_pointer (&entry->text, g_free);
    }
}

static GhMemberBatch *
batch_new (void)
{
  GhMemberBatch *batch = g_new0 (GhMemberBatch, 1);

  batch->entries = g_array_new (FALSE, TRUE, sizeof (GhMemberEntry));
  g_array_set_clear_func (batch->entries, entry_clear);
  return batch;
}

static void
batch_reset (GhMemberBatch *batch)
{
  g_array_set_size (batch->entries, 0);
  batch->lines = 0;
  batch->last = FALSE;
  g_clear_error (&batch->error);
}

static void
batch_free (GhMemberBatch *batch)
{
  g_array_unref (batch->entries);
  g_clear_error (&batch->error);
  g_free (batch);
}

/* Reads one line into @batch; FALSE at the end of the feed or on a read error. */
static gboolean
read_one (GhMemberParser *parser,
          GhMemberBatch  *batch)
{
  const char *line;
  gsize length;
  gboolean newline;
  GhMemberEntry entry = { 0 };
  g_autoptr(GError) local = NULL;
  GhLineStatus status = gh_line_reader_next (parser->reader, &line, &length, &newline,
                                             parser->cancellable, &batch->error);

  if (status == GH_LINE_END || status == GH_LINE_ERROR)
    return FALSE;
  batch->lines++;
  entry.number = gh_line_reader_get_line_number (parser->reader);
  if (status == GH_LINE_TOO_LONG)
    entry.message = g_strdup_printf ("line: longer than %d bytes (not kept)",
                                     GH_MEMBER_FEED_MAX_LINE);
  else if (length == 0 || (length == 1 && line[0] == '\r'))
    return TRUE;  /* a blank line is not a member */
  else if ((entry.member = gh_member_feed_read_line (line, length, parser->catalog,
                                                     parser->store_id, &local)) == NULL)
    {
      entry.message = newline ? g_strdup (local->message)
                              : g_strdup_printf ("%s (the last line has no newline: the file may "
                                                 "be cut short)", local->message);
      entry.text = g_memdup2 (line, length);
      entry.length = length;
    }
  g_array_append_val (batch->entries, entry);
  return TRUE;
}

static gpointer
parser_thread (gpointer data)
{
  GhMemberParser *parser = data;

  for (;;)
    {
      GhMemberBatch *batch = g_async_queue_pop (parser->empty);
      gboolean more = TRUE;

      batch_reset (batch);
      while (batch->lines < parser->batch_lines && !g_atomic_int_get (&parser->stop) &&
             (more = read_one (parser, batch)))
        ;
      batch->bytes_read = gh_line_reader_get_bytes_read (parser->reader);
      batch->last = !more || g_atomic_int_get (&parser->stop);
      g_async_queue_push (parser->full, batch);
      if (batch->last)
        return NULL;
    }
}

gboolean
gh_member_parser_read_header (GhLineReader  *reader,
                              const char    *store_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  const char *line;
  gsize length;
  gboolean newline;
  g_autoptr(GError) local = NULL;

  switch (gh_line_reader_next (reader, &line, &length, &newline, cancellable, error))
    {
    case GH_LINE_END:
      g_set_error (error, GH_MEMBER_IMPORT_ERROR, GH_MEMBER_IMPORT_ERROR_FEED,
                   "empty feed: the first line must be the header {\"format\": \""
                   GH_MEMBER_FEED_FORMAT "\"}");
      return FALSE;
    case GH_LINE_ERROR:
      return FALSE;
    case GH_LINE_TOO_LONG:
      g_set_error (error, GH_MEMBER_IMPORT_ERROR, GH_MEMBER_IMPORT_ERROR_FEED,
                   "1: the header line is longer than %d bytes", GH_MEMBER_FEED_MAX_LINE);
      return FALSE;
    case GH_LINE_OK:
      break;
    }
  if (!gh_member_feed_read_header (line, length, store_id, &local))
    {
      g_set_error (error, GH_MEMBER_IMPORT_ERROR, GH_MEMBER_IMPORT_ERROR_FEED, "1: %s",
                   local->message);
      return FALSE;
    }
  return TRUE;
}

GhMemberParser *
gh_member_parser_start (GhLineReader *reader,
                        GhCatalog    *catalog,
                        const char   *store_id,
                        guint         batch_lines,
                        GCancellable *cancellable)
{
  GhMemberParser *parser = g_new0 (GhMemberParser, 1);

  parser->reader = reader;
  parser->catalog = g_object_ref (catalog);
  parser->store_id = g_strdup (store_id);
  parser->batch_lines = MAX (batch_lines, 1);
  parser->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  parser->empty = g_async_queue_new ();
  parser->full = g_async_queue_new ();
  for (guint i = 0; i < N_BATCHES; i++)
    g_async_queue_push (parser->empty, batch_new ());
  parser->thread = g_thread_new ("gh-member-parser", parser_thread, parser);
  return parser;
}

GhMemberBatch *
gh_member_parser_next (GhMemberParser *parser)
{
  GhMemberBatch *batch;

  g_return_val_if_fail (!parser->finished, NULL);
  batch = g_async_queue_pop (parser->full);
  parser->finished = batch->last;
  return batch;
}

void
gh_member_parser_release (GhMemberParser *parser,
                          GhMemberBatch  *batch)
{
  batch_reset (batch);
  g_async_queue_push (parser->empty, batch);
}

void
gh_member_parser_free (GhMemberParser *parser)
{
  if (parser == NULL)
    return;
  /* The thread may wait for an empty batch or be reading: let it reach its last. */
  g_atomic_int_set (&parser->stop, 1);
  while (!parser->finished)
    gh_member_parser_release (parser, gh_member_parser_next (parser));
  g_thread_join (parser->thread);
  for (GhMemberBatch *batch; (batch = g_async_queue_try_pop (parser->empty)) != NULL;)
    batch_free (batch);
  for (GhMemberBatch *batch; (batch = g_async_queue_try_pop (parser->full)) != NULL;)
    batch_free (batch);
  g_async_queue_unref (parser->empty);
  g_async_queue_unref (parser->full);
  g_clear_object (&parser->catalog);
  g_clear_object (&parser->cancellable);
  g_free (parser->store_id);
  g_free (parser);
}
