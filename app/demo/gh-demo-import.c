/* The demo import goes through the same door as a CRM's export: a thread writes
 * the demo shoppers as a member feed into a pipe (gh-demo-feed.c) while the
 * calling thread imports it with gh_member_import (), so every demo exercises
 * the real import, and the two halves share the machine's two cores.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "demo/gh-demo-private.h"

#include "members/gh-member-import.h"
#include "store/gh-store-private.h"

typedef struct {
  GhDemoPlan    *plan;
  const char    *store_id;
  int            fd;           /* the pipe's write end; the writer closes it */
  GCancellable  *cancellable;
  GhDemoSummary  written;
  GError        *error;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GOutputStream) output = g_unix_output_stream_new (writer->fd, TRUE);

  _gh_demo_write_feed (writer->plan, writer->store_id, output, &writer->written,
                       writer->cancellable, &writer->error);
  g_output_stream_close (output, NULL, NULL);
  return NULL;
}

gboolean
_gh_demo_store_is_empty (GhStore  *store,
                         GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store, "SELECT EXISTS (SELECT 1 FROM customer)", error);
  gboolean has_customers;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  has_customers = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (store, rc, error, "counting shoppers");
      return FALSE;
    }
  if (has_customers)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_NOT_EMPTY,
                   "%s: the store already has shoppers; demo shoppers go into a new store"
                   " (another --db)",
                   gh_store_get_path (store));
      return FALSE;
    }
  return TRUE;
}

static void
on_refused (guint64      line_number,
            const char  *line,
            gsize        length,
            const char  *message,
            gpointer     user_data)
{
  /* The generator writes what the demo config accepts; a refusal is a bug. */
  g_warning ("demo feed line %" G_GUINT64_FORMAT " refused: %s", line_number, message);
}

gboolean
_gh_demo_import (GhStore       *store,
                 GhCatalog     *catalog,
                 GhDemoPlan    *plan,
                 GhDemoSummary *summary,
                 GError       **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *store_id = gh_store_get_meta (store, "store_id");
  g_autoptr(GInputStream) input = NULL;
  GhMemberImportSummary imported = { 0 };
  GhMemberImportOptions options = { .actor = "demo", .catalog = catalog, .on_refused = on_refused,
                                    .now = plan->day0 };
  Writer writer = { plan, store_id, -1, cancellable, { 0 }, NULL };
  GThread *thread;
  int fds[2];
  gboolean ok;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID, "cannot make a pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }
  writer.fd = fds[1];
  input = g_unix_input_stream_new (fds[0], TRUE);
  thread = g_thread_new ("gh-demo-feed", writer_thread, &writer);

  ok = gh_member_import (store, input, &options, &imported, NULL, error);
  if (!ok)
    {
      /* Stop the writer, and drain the pipe so it never blocks on a full one. */
      char sink[65536];

      g_cancellable_cancel (cancellable);
      while (g_input_stream_read (input, sink, sizeof sink, NULL, NULL) > 0)
        ;
    }
  g_thread_join (thread);
  if (ok && writer.error != NULL)
    {
      g_propagate_error (error, writer.error);
      writer.error = NULL;
      ok = FALSE;
    }
  g_clear_error (&writer.error);
  if (ok && imported.refused > 0)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_CONFIG,
                   "%" G_GUINT64_FORMAT " demo shoppers were refused by the import: the config "
                   "does not fit the demo", imported.refused);
      ok = FALSE;
    }
  summary->customers = imported.added;
  summary->suppressed = imported.suppressed;
  summary->data_items = imported.items_added;
  summary->consents = imported.consents_added;
  return ok;
}
