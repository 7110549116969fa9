/* Applying the member feed (docs/member-feed.md). Each line is read and checked
 * on its own (gh-member-feed.c); valid lines are applied in transactions of a few
 * thousand, so a kill loses at most the batch in flight and a refused line costs
 * nothing but itself. Items are keyed by the CRM's ids, so the same feed twice
 * changes nothing; a member's line replaces their items; a decision the kiosk
 * recorded after the feed's is kept; a forgotten member stays forgotten.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "members/gh-member-import.h"

#include "members/gh-line-reader.h"
#include "members/gh-member-import-private.h"
#include "members/gh-member-parser.h"
#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"

G_DEFINE_QUARK (gh-member-import-error-quark, gh_member_import_error)

#define DEFAULT_BATCH_LINES 2000

/* ---- pseudonyms ------------------------------------------------------------------ */

static gboolean
load_ref_key (GhStore  *store,
              guint8   *key,
              GError  **error)
{
  g_autofree char *hex = gh_store_get_meta (store, GH_STORE_META_MEMBER_REF_KEY);
  gsize n = 0;

  if (hex == NULL || sodium_hex2bin (key, crypto_generichash_KEYBYTES, hex, strlen (hex), NULL,
                                     &n, NULL) != 0 || n != crypto_generichash_KEYBYTES)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: the member pseudonym key (meta.%s) is missing or damaged",
                   gh_store_get_path (store), GH_STORE_META_MEMBER_REF_KEY);
      return FALSE;
    }
  sodium_memzero (hex, strlen (hex));
  return TRUE;
}

char *
_gh_member_derive_ref (const guint8 *key,
            const char   *loyalty_id)
{
  guint8 hash[16];
  char hex[sizeof hash * 2 + 1];

  crypto_generichash (hash, sizeof hash, (const guint8 *) loyalty_id, strlen (loyalty_id),
                      key, crypto_generichash_KEYBYTES);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strconcat ("cust-", hex, NULL);
}

char *
gh_member_derive_ref (GhStore     *store,
                      const char  *loyalty_id,
                      GError     **error)
{
  guint8 key[crypto_generichash_KEYBYTES];
  char *ref;

  if (sodium_init () < 0 || !load_ref_key (store, key, error))
    return NULL;
  ref = _gh_member_derive_ref (key, loyalty_id);
  sodium_memzero (key, sizeof key);
  return ref;
}

/* ---- the stream ---------------------------------------------------------------------- */

static void
refuse (GhMemberImport *import,
        guint64      line_number,
        const char  *line,
        gsize        length,
        const char  *message)
{
  import->summary->refused++;
  if (import->options->on_refused != NULL)
    import->options->on_refused (line_number, line, length, message, import->options->user_data);
}

static gboolean
write_summary_event (GhMemberImport *import,
                     GError **error)
{
  const GhMemberImportSummary *s = import->summary;
  g_autofree char *body = g_strdup_printf (
      "{\"lines\":%" G_GUINT64_FORMAT ",\"added\":%" G_GUINT64_FORMAT ",\"updated\":%"
      G_GUINT64_FORMAT ",\"unchanged\":%" G_GUINT64_FORMAT ",\"deleted\":%" G_GUINT64_FORMAT
      ",\"refused\":%" G_GUINT64_FORMAT ",\"suppressed\":%" G_GUINT64_FORMAT ",\"items_added\":%"
      G_GUINT64_FORMAT ",\"items_updated\":%" G_GUINT64_FORMAT ",\"items_deleted\":%"
      G_GUINT64_FORMAT ",\"consents_changed\":%" G_GUINT64_FORMAT "}",
      s->lines, s->added, s->updated, s->unchanged, s->deleted, s->refused, s->suppressed,
      s->items_added, s->items_updated, s->items_deleted, s->consents_changed);

  return gh_store_append_event (import->store, import->actor, NULL, "members.imported", body,
                                error) > 0;
}

/* Applies one parsed batch inside the open transaction. */
static gboolean
apply_batch (GhMemberImport  *import,
             GhMemberBatch   *batch,
             GError         **error)
{
  for (guint i = 0; i < batch->entries->len; i++)
    {
      GhMemberEntry *entry = &g_array_index (batch->entries, GhMemberEntry, i);

      if (entry->member == NULL)
        refuse (import, entry->number, entry->text, entry->length, entry->message);
      else if (!_gh_member_apply (import, entry->member, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
run (GhMemberImport *import,
     GhLineReader   *reader,
     const char     *store_id,
     GCancellable   *cancellable,
     GError        **error)
{
  guint batch_lines = import->options->batch_lines > 0 ? import->options->batch_lines
                                                       : DEFAULT_BATCH_LINES;
  GhMemberParser *parser;
  gboolean ok = TRUE, last = FALSE;

  /* While the import runs: a 256 MiB page cache, as the indexes of a store with
   * millions of items are written all over; and synchronous = NORMAL, which in WAL
   * mode survives a kill of the process and keeps the file consistent through a
   * power cut, at the price of the last batches (a feed is simply run again). */
  if (!_gh_store_exec (import->store, "PRAGMA cache_size = -262144; PRAGMA synchronous = NORMAL",
                       error))
    return FALSE;
  parser = gh_member_parser_start (reader, import->catalog, store_id, batch_lines, cancellable);
  while (ok && !last)
    {
      GhMemberBatch *batch = gh_member_parser_next (parser);

      last = batch->last;
      import->summary->lines += batch->entries->len;
      import->due_at = G_MAXINT64;
      if (batch->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&batch->error));
          ok = FALSE;
        }
      else if (!gh_store_begin (import->store, error))
        ok = FALSE;
      else if (!apply_batch (import, batch, error) ||
               !_gh_store_note_retention (import->store, import->due_at, error) ||
               (last && !write_summary_event (import, error)) ||
               !gh_store_commit (import->store, error))
        {
          gh_store_rollback (import->store);
          ok = FALSE;
        }
      import->summary->bytes_read = batch->bytes_read;
      gh_member_parser_release (parser, batch);
      if (ok && !last && import->options->on_progress != NULL)
        import->options->on_progress (import->summary, import->options->user_data);
    }
  gh_member_parser_free (parser);
  return ok;
}

gboolean
gh_member_import (GhStore                      *store,
                  GInputStream                 *input,
                  const GhMemberImportOptions  *options,
                  GhMemberImportSummary        *summary,
                  GCancellable                 *cancellable,
                  GError                      **error)
{
  static const GhMemberImportOptions defaults = { 0 };
  GhMemberImportSummary local_summary = { 0 };
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhLineReader) reader = NULL;
  g_autofree char *store_id = NULL;
  g_autoptr(GError) local = NULL;
  GhMemberImport import = { 0 };
  gboolean ok;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);

  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);
  if (options != NULL && options->catalog != NULL)
    catalog = g_object_ref (options->catalog);
  else
    catalog = gh_catalog_load_active (store, &local);
  if (catalog == NULL)
    {
      if (!g_error_matches (local, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, GH_MEMBER_IMPORT_ERROR, GH_MEMBER_IMPORT_ERROR_NO_CONFIG,
                     "%s: no configuration applied: the feed is checked against its data "
                     "categories and purposes (glasshouse-ctl config apply)",
                     gh_store_get_path (store));
      return FALSE;
    }
  if (sodium_init () < 0 || !load_ref_key (store, import.ref_key, error))
    return FALSE;

  import.store = store;
  import.catalog = catalog;
  import.options = options != NULL ? options : &defaults;
  import.actor = import.options->actor != NULL ? import.options->actor : "crm";
  import.summary = summary;
  import.now = import.options->now != 0 ? import.options->now : g_get_real_time () / G_USEC_PER_SEC;
  store_id = gh_store_get_meta (store, "store_id");
  reader = gh_line_reader_new (input, GH_MEMBER_FEED_MAX_LINE);
  ok = gh_member_parser_read_header (reader, store_id, cancellable, error) &&
       run (&import, reader, store_id, cancellable, error);
  /* The store's own settings back (gh-store.c); a checkpoint makes the batches
   * durable that synchronous = NORMAL left in the WAL unsynced. */
  _gh_store_exec (store, "PRAGMA cache_size = -2000; PRAGMA synchronous = FULL", NULL);
  if (ok)
    sqlite3_wal_checkpoint_v2 (_gh_store_get_db (store), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
                               NULL);
  for (guint n = 0; n < G_N_ELEMENTS (import.multi); n++)
    g_clear_pointer (&import.multi[n], sqlite3_finalize);
  sodium_memzero (import.ref_key, sizeof import.ref_key);
  return ok;
}
