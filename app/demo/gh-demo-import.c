/* The demo import: a generator thread fills batches of shoppers while the
 * calling thread writes them with prepared multi-row statements in a single
 * transaction; the output does not depend on the thread timing. The import
 * relaxes durability only while it runs (rollback journal, synchronous=OFF, a
 * big cache, no foreign-key checks on rows built consistent by construction)
 * and syncs the file before it returns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "demo/gh-demo-private.h"

#include "store/gh-store-private.h"

/* ---- batches and the generator thread --------------------------------------- */

static GhDemoBatch *
batch_new (void)
{
  GhDemoBatch *batch = g_new0 (GhDemoBatch, 1);

  batch->text = g_string_sized_new (BATCH_CUSTOMERS * 4096);
  batch->customers = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoCustomer), BATCH_CUSTOMERS);
  batch->items = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoItem), BATCH_CUSTOMERS * 32);
  batch->consents = g_array_sized_new (FALSE, FALSE, sizeof (GhDemoConsent), BATCH_CUSTOMERS * 8);
  return batch;
}

static void
batch_clear (GhDemoBatch *batch)
{
  g_string_truncate (batch->text, 0);
  g_array_set_size (batch->customers, 0);
  g_array_set_size (batch->items, 0);
  g_array_set_size (batch->consents, 0);
  batch->last = FALSE;
}

static void
batch_free (GhDemoBatch *batch)
{
  g_string_free (batch->text, TRUE);
  g_array_unref (batch->customers);
  g_array_unref (batch->items);
  g_array_unref (batch->consents);
  g_free (batch);
}

typedef struct {
  GhDemoPlan  *plan;
  GAsyncQueue *empty;   /* GhDemoBatch* the writer has finished with */
  GAsyncQueue *full;    /* GhDemoBatch* ready to write, in order; the last has last = TRUE */
  gint         stop;    /* set by the writer when it gives up */
} Pipeline;

static gpointer
generator_thread (gpointer data)
{
  Pipeline *pipe = data;
  guint next = 1;

  for (;;)
    {
      GhDemoBatch *batch = g_async_queue_pop (pipe->empty);

      batch_clear (batch);
      while (next <= pipe->plan->n_customers && batch->customers->len < BATCH_CUSTOMERS &&
             !g_atomic_int_get (&pipe->stop))
        _gh_demo_generate_customer (pipe->plan, batch, next++);
      batch->last = next > pipe->plan->n_customers || g_atomic_int_get (&pipe->stop);
      g_async_queue_push (pipe->full, batch);
      if (batch->last)
        return NULL;
    }
}

/* ---- the writer ---------------------------------------------------------------- */

/* A shopper's items, and their consents, go in one multi-row INSERT each:
 * sqlite's cost per statement (cursors, locks, reset) then falls on a shopper,
 * not on each of their rows. */
typedef struct {
  sqlite3_stmt *customer;
  sqlite3_stmt *items[MAX_ITEMS + 1];  /* [n]: n rows; prepared when first needed */
  sqlite3_stmt *consents;              /* one row per purpose */
  sqlite3_stmt *suppressed;            /* NULL when the suppression list is empty */
} Statements;

static void
statements_clear (Statements *statements)
{
  g_clear_pointer (&statements->customer, sqlite3_finalize);
  for (guint n = 0; n <= MAX_ITEMS; n++)
    g_clear_pointer (&statements->items[n], sqlite3_finalize);
  g_clear_pointer (&statements->consents, sqlite3_finalize);
  g_clear_pointer (&statements->suppressed, sqlite3_finalize);
}

#define ITEM_COLUMNS "customer_id, category, attributes, source, collected_at, retained_until"
#define CONSENT_COLUMNS "customer_id, purpose_id, state, updated_at, notice_version"

/* INSERT INTO @table (@columns) VALUES (?1, …), (?1, …) …: @n_rows rows whose
 * first value is the shared ?1 and whose @n_own other values are numbered on. */
static char *
multi_row_insert (const char *table,
                  const char *columns,
                  guint       n_rows,
                  guint       n_own)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES ", table, columns);
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r == 0 ? "(?1" : ", (?1");
      for (guint k = 0; k < n_own; k++)
        g_string_append_printf (sql, ", ?%u", 2 + r * n_own + k);
      g_string_append_c (sql, ')');
    }
  return g_string_free (sql, FALSE);
}

static gboolean
prepare (GhStore       *store,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v3 (_gh_store_get_db (store), sql, -1, SQLITE_PREPARE_PERSISTENT,
                               stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (store, rc, error, "preparing the demo import");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_batch (GhStore           *store,
             const GhDemoPlan  *plan,
             Statements        *st,
             const GhDemoBatch *batch,
             GhDemoSummary     *summary,
             GError           **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  const char *text = batch->text->str;
  guint item = 0, consent = 0;

  for (guint c = 0; c < batch->customers->len; c++)
    {
      const GhDemoCustomer *customer = &g_array_index (batch->customers, GhDemoCustomer, c);
      gint64 id;

      if (st->suppressed != NULL)
        {
          int rc;

          sqlite3_bind_text (st->suppressed, 1, text + customer->ref, -1, SQLITE_STATIC);
          rc = sqlite3_step (st->suppressed);
          sqlite3_reset (st->suppressed);
          if (rc == SQLITE_ROW)
            {
              /* They asked to be forgotten: an import never brings them back. */
              item += customer->n_items;
              consent += customer->n_consents;
              summary->suppressed++;
              continue;
            }
          if (rc != SQLITE_DONE)
            {
              _gh_store_set_error (store, rc, error, "checking the suppression list");
              return FALSE;
            }
        }

      sqlite3_bind_text (st->customer, 1, text + customer->loyalty_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 2, text + customer->ref, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 3, text + customer->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 4, customer->pin_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st->customer, 5, customer->created_at);
      if (!_gh_store_step_done (store, st->customer, "adding a demo shopper", error))
        return FALSE;
      id = sqlite3_last_insert_rowid (db);
      summary->customers++;

      for (guint left = customer->n_items; left > 0;)
        {
          guint n = MIN (left, MAX_ITEMS);
          sqlite3_stmt *stmt = st->items[n];

          if (stmt == NULL)
            {
              g_autofree char *sql = multi_row_insert ("data_item", ITEM_COLUMNS, n, 5);
              if (!prepare (store, sql, &st->items[n], error))
                return FALSE;
              stmt = st->items[n];
            }
          sqlite3_bind_int64 (stmt, 1, id);
          for (guint r = 0; r < n; r++, item++)
            {
              const GhDemoItem *row = &g_array_index (batch->items, GhDemoItem, item);
              int p = 2 + 5 * r;

              sqlite3_bind_text (stmt, p, _gh_demo_category_ids[row->category], -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, p + 1, text + row->attributes, row->length, SQLITE_STATIC);
              sqlite3_bind_text (stmt, p + 2,
                                 gh_source_to_string (_gh_demo_category_sources[row->category]),
                                 -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stmt, p + 3, row->collected_at);
              sqlite3_bind_int64 (stmt, p + 4, row->retained_until);
            }
          if (!_gh_store_step_done (store, stmt, "adding a demo shopper's data", error))
            return FALSE;
          left -= n;
        }
      summary->data_items += customer->n_items;

      if (customer->n_consents > 0)
        {
          sqlite3_bind_int64 (st->consents, 1, id);
          for (guint r = 0; r < customer->n_consents; r++, consent++)
            {
              const GhDemoConsent *row = &g_array_index (batch->consents, GhDemoConsent, consent);
              const GhDemoPurposePlan *purpose = &g_array_index (plan->purposes, GhDemoPurposePlan,
                                                           row->purpose);
              int p = 2 + 4 * r;

              sqlite3_bind_text (st->consents, p, purpose->id, -1, SQLITE_STATIC);
              sqlite3_bind_int (st->consents, p + 1, row->state);
              sqlite3_bind_int64 (st->consents, p + 2, row->updated_at);
              sqlite3_bind_text (st->consents, p + 3, purpose->notice_version, -1, SQLITE_STATIC);
            }
          if (!_gh_store_step_done (store, st->consents, "adding a demo shopper's consents", error))
            return FALSE;
        }
      summary->consents += customer->n_consents;
    }
  return TRUE;
}

gboolean
_gh_demo_store_is_empty (GhStore  *store,
                         gboolean *suppressions,
                         GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT EXISTS (SELECT 1 FROM customer), EXISTS (SELECT 1 FROM suppression)", error);
  gboolean has_customers;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  has_customers = sqlite3_column_int (stmt, 0);
  *suppressions = sqlite3_column_int (stmt, 1);
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

static gboolean
run_import (GhStore       *store,
            GhDemoPlan    *plan,
            gboolean       suppressions,
            GhDemoSummary *summary,
            GError       **error)
{
  Statements st = { 0 };
  Pipeline pipe = { plan, g_async_queue_new (), g_async_queue_new (), 0 };
  g_autofree char *consent_sql = multi_row_insert ("consent", CONSENT_COLUMNS,
                                                   MAX (plan->purposes->len, 1), 4);
  GThread *thread;
  gboolean ok = TRUE;

  if (!prepare (store, "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)", &st.customer, error) ||
      !prepare (store, consent_sql, &st.consents, error) ||
      (suppressions &&
       !prepare (store, "SELECT 1 FROM suppression WHERE customer_ref = ?1", &st.suppressed,
                 error)))
    {
      statements_clear (&st);
      g_async_queue_unref (pipe.empty);
      g_async_queue_unref (pipe.full);
      return FALSE;
    }

  for (guint i = 0; i < N_BATCHES; i++)
    g_async_queue_push (pipe.empty, batch_new ());
  thread = g_thread_new ("gh-demo-generator", generator_thread, &pipe);

  for (;;)
    {
      GhDemoBatch *batch = g_async_queue_pop (pipe.full);
      gboolean last = batch->last;

      if (ok && !write_batch (store, plan, &st, batch, summary, error))
        {
          ok = FALSE;
          g_atomic_int_set (&pipe.stop, 1);
        }
      g_async_queue_push (pipe.empty, batch);
      if (last)
        break;
    }
  g_thread_join (thread);

  for (GhDemoBatch *batch; (batch = g_async_queue_try_pop (pipe.empty)) != NULL;)
    batch_free (batch);
  g_async_queue_unref (pipe.empty);
  g_async_queue_unref (pipe.full);
  statements_clear (&st);
  return ok;
}

/* The import's settings, and how to put the store's own back. */
static gboolean
relax_store (GhStore  *store,
             gboolean *was_wal,
             GError  **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  sqlite3_stmt *stmt = NULL;

  /* A rollback journal on a store with no shoppers stays tiny (new pages are
   * not journaled), where WAL would copy every page twice. Leaving WAL needs
   * the store to ourselves; if a kiosk has it open, the import stays in WAL. */
  *was_wal = FALSE;
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    *was_wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (*was_wal)
    sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);

  return _gh_store_exec (store, "PRAGMA synchronous = OFF;"
                                "PRAGMA cache_size = -262144;"
                                "PRAGMA foreign_keys = OFF;", error);
}

static gboolean
restore_store (GhStore  *store,
               gboolean  was_wal,
               GError  **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  gboolean ok = _gh_store_exec (store, "PRAGMA synchronous = FULL;"
                                       "PRAGMA cache_size = -2000;"
                                       "PRAGMA foreign_keys = ON;", error);

  if (was_wal && ok)
    {
      sqlite3_stmt *stmt = NULL;
      gboolean wal = FALSE;

      if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
      sqlite3_finalize (stmt);
      if (!wal)
        {
          g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                       "%s: could not put the store back into WAL mode after the demo import: %s",
                       gh_store_get_path (store), sqlite3_errmsg (db));
          ok = FALSE;
        }
    }
  return ok;
}

gboolean
_gh_demo_import (GhStore       *store,
                 GhDemoPlan    *plan,
                 gboolean       suppressions,
                 GhDemoSummary *summary,
                 GError       **error)
{
  gboolean was_wal = FALSE, ok;

  if (!relax_store (store, &was_wal, error))
    ok = FALSE;
  else if (!gh_store_begin (store, error))
    ok = FALSE;
  else if (!run_import (store, plan, suppressions, summary, error))
    {
      gh_store_rollback (store);
      ok = FALSE;
    }
  else
    ok = gh_store_commit (store, error);

  /* Put the store's own settings back even when the import failed. */
  if (!restore_store (store, was_wal, ok ? error : NULL))
    ok = FALSE;
  if (ok && !_gh_store_sync_file (store, error))
    ok = FALSE;
  return ok;
}
