/* GhStore: the kiosk's consent store, one sqlite database in WAL mode.
 *
 * Every write is one IMMEDIATE transaction with synchronous=FULL, so an
 * acknowledged consent change survives a crash or power loss. Statements are
 * prepared once per connection and cached. A store is checked before sqlite
 * touches it (magic, truncation) so a damaged file is reported, never rewritten.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gh-event-chain.h"
#include "gh-store-private.h"
#include "gh-store-schema.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000

struct _GhStore
{
  GObject     parent_instance;
  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt* */
  char       *kiosk_id;
  int         schema_version;
};

G_DEFINE_FINAL_TYPE (GhStore, gh_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (gh-store-error-quark, gh_store_error)

static void
gh_store_finalize (GObject *object)
{
  GhStore *self = GH_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self->kiosk_id);

  G_OBJECT_CLASS (gh_store_parent_class)->finalize (object);
}

static void
gh_store_class_init (GhStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
gh_store_init (GhStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
}

static GhStoreError
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return GH_STORE_ERROR_CORRUPT;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return GH_STORE_ERROR_READONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return GH_STORE_ERROR_BUSY;
    case SQLITE_FULL:
      return GH_STORE_ERROR_FULL;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return GH_STORE_ERROR_INVALID;
    default:
      return GH_STORE_ERROR_IO;
    }
}

void
_gh_store_set_error (GhStore     *self,
                     int          rc,
                     GError     **error,
                     const char  *what)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_BUSY,
                 "%s: %s: another process is writing to the store (gave up waiting)",
                 self->path, what);
  else if ((rc & 0xff) == SQLITE_READONLY)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_READONLY,
                 "%s: %s: the store is read-only (%s)", self->path, what, detail);
  else
    g_set_error (error, GH_STORE_ERROR, error_code_for_sqlite (rc),
                 "%s: %s: %s", self->path, what, detail);
}

sqlite3 *
_gh_store_get_db (GhStore *self)
{
  return self->db;
}

gboolean
_gh_store_in_transaction (GhStore *self)
{
  return !sqlite3_get_autocommit (self->db);
}

sqlite3_stmt *
_gh_store_prepare (GhStore     *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (self, rc, error, "preparing a query");
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
_gh_store_step_done (GhStore       *self,
                     sqlite3_stmt  *stmt,
                     const char    *what,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, what);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gh_store_sync_file (GhStore  *self,
                     GError  **error)
{
  sqlite3_file *file = NULL;

  if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL ||
      file->pMethods->xSync (file, SQLITE_SYNC_FULL) != SQLITE_OK)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s: cannot flush the store to disk",
                   self->path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_gh_store_exec (GhStore     *self,
                const char  *sql,
                GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (self, rc, error, sql);
      return FALSE;
    }
  return TRUE;
}

char *
_gh_store_now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Looks at the file's header before any SQL runs: a file that is not a SQLite
 * database, or is shorter than its header says, is reported and left as it is.
 *
 * The bytes are read through sqlite's own file handle. Opening the file a
 * second time, even just to read it, would be a bug: closing any descriptor of
 * a file drops every POSIX lock this process holds on it, including those of
 * other connections, and another process could then delete a WAL that is still
 * in use (sqlite.org, "How To Corrupt An SQLite Database File", 2.2). */
static gboolean
check_header (GhStore  *self,
              GError  **error)
{
  sqlite3_file *file = NULL;
  sqlite3_int64 size = 0;
  guint8 header[100];
  guint32 page_size, page_count;
  g_autofree char *wal = NULL;
  GStatBuf wal_stat;
  int rc;

  if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL)
    return TRUE;  /* nothing opened yet: a new, empty database */
  if (file->pMethods->xFileSize (file, &size) != SQLITE_OK)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s: cannot read the store's size", self->path);
      return FALSE;
    }
  if (size == 0)
    return TRUE;  /* sqlite treats an empty file as an empty database */

  rc = file->pMethods->xRead (file, header, sizeof header, 0);
  /* A short read (fewer than 100 bytes) cannot be a database either. */
  if (rc != SQLITE_OK || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: not a Glasshouse store (the file is not a SQLite database)", self->path);
      return FALSE;
    }

  /* While a WAL holds pages, a checkpoint in another process may have written
   * the new header before the pages that extend the file: the sizes only have
   * to agree when no WAL is in use. */
  wal = g_strconcat (self->path, "-wal", NULL);
  if (g_stat (wal, &wal_stat) == 0 && wal_stat.st_size > 0)
    return TRUE;

  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  page_count = ((guint32) header[28] << 24) | ((guint32) header[29] << 16)
             | ((guint32) header[30] << 8) | header[31];
  if ((sqlite3_int64) page_size * page_count > size)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: the store is truncated: its header says %" G_GINT64_FORMAT
                   " bytes but the file has %" G_GINT64_FORMAT,
                   self->path, (gint64) page_size * page_count, (gint64) size);
      return FALSE;
    }
  return TRUE;
}

static int
query_int (GhStore     *self,
           const char  *sql,
           GError     **error,
           gboolean    *ok)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);
  int rc, value = 0;

  *ok = FALSE;
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading the store");
      sqlite3_reset (stmt);
      return 0;
    }
  sqlite3_reset (stmt);
  *ok = TRUE;
  return value;
}

static char *
make_kiosk_id (void)
{
  return g_strdup_printf ("kiosk-%08x", g_random_int ());
}

static gboolean
migrate (GhStore  *self,
         int       from,
         GError  **error)
{
  guint latest = gh_store_schema_latest ();

  if (!gh_store_begin (self, error))
    return FALSE;
  for (guint v = from + 1; v <= latest; v++)
    if (!_gh_store_exec (self, gh_store_schema_migration (v), error))
      goto fail;
  {
    g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %u", latest);
    if (!_gh_store_exec (self, pragma, error))
      goto fail;
  }
  if (from == 0)
    {
      g_autofree char *kiosk_id = make_kiosk_id ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *created = g_date_time_format_iso8601 (now);

      if (!gh_store_set_meta (self, "kiosk_id", kiosk_id, error) ||
          !gh_store_set_meta (self, "created_at", created, error))
        goto fail;
    }
  return gh_store_commit (self, error);

fail:
  gh_store_rollback (self);
  return FALSE;
}

GhStore *
gh_store_open (const char        *path,
               GhStoreOpenFlags   flags,
               GError           **error)
{
  g_autoptr(GhStore) self = NULL;
  gboolean exists = FALSE, ok;
  const char *env_timeout;
  int rc, version, tables;

  g_return_val_if_fail (path != NULL, NULL);

  /* stat, never open: see check_header () for why. */
  exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!exists && !(flags & GH_STORE_OPEN_CREATE))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                   "%s: no store here (create it with: glasshouse-ctl init --db %s)", path, path);
      return NULL;
    }

  self = g_object_new (GH_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
                        | ((flags & GH_STORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0),
                        NULL);
  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (self, rc, error, "opening the store");
      return NULL;
    }
  if (exists && !check_header (self, error))
    return NULL;
  sqlite3_extended_result_codes (self->db, 1);

  env_timeout = g_getenv ("GLASSHOUSE_BUSY_TIMEOUT_MS");
  gh_store_set_busy_timeout (self, env_timeout != NULL ? atoi (env_timeout) : DEFAULT_BUSY_TIMEOUT_MS);

  /* Read before anything writes: a damaged or foreign file must stay as it is. */
  version = query_int (self, "PRAGMA user_version", error, &ok);
  if (!ok)
    return NULL;
  tables = query_int (self, "SELECT count(*) FROM sqlite_schema", error, &ok);
  if (!ok)
    return NULL;
  if (version == 0 && tables > 0)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: not a Glasshouse store (a SQLite database of something else)", path);
      return NULL;
    }
  if (version > (int) gh_store_schema_latest ())
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_TOO_NEW,
                   "%s: the store has schema version %d; this Glasshouse knows up to %u",
                   path, version, gh_store_schema_latest ());
      return NULL;
    }
  if (version == 0 && !(flags & GH_STORE_OPEN_CREATE))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                   "%s: the store is empty (create it with: glasshouse-ctl init --db %s)",
                   path, path);
      return NULL;
    }

  if (!_gh_store_exec (self, "PRAGMA foreign_keys = ON;"
                             "PRAGMA secure_delete = ON;"
                             "PRAGMA synchronous = FULL;", error))
    return NULL;
  if (!sqlite3_db_readonly (self->db, "main"))
    {
      /* journal_mode needs a write; a read-only store keeps the mode it has. */
      if (!_gh_store_exec (self, "PRAGMA journal_mode = WAL", error))
        return NULL;
    }

  if (version < (int) gh_store_schema_latest () && !migrate (self, version, error))
    return NULL;
  self->schema_version = gh_store_schema_latest ();

  self->kiosk_id = gh_store_get_meta (self, "kiosk_id");
  if (self->kiosk_id == NULL)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: the store has no kiosk id (meta.kiosk_id is missing)", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
gh_store_get_path (GhStore *self)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  return self->path;
}

const char *
gh_store_get_kiosk_id (GhStore *self)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  return self->kiosk_id;
}

int
gh_store_get_schema_version (GhStore *self)
{
  g_return_val_if_fail (GH_IS_STORE (self), 0);
  return self->schema_version;
}

void
gh_store_set_busy_timeout (GhStore *self,
                           int      milliseconds)
{
  g_return_if_fail (GH_IS_STORE (self));
  sqlite3_busy_timeout (self->db, MAX (milliseconds, 0));
}

gboolean
gh_store_begin (GhStore  *self,
                GError  **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  /* IMMEDIATE takes the write lock up front, so the read of the chain head and
   * the append that follows cannot race another writer. */
  return _gh_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
gh_store_commit (GhStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  if (!_gh_store_exec (self, "COMMIT", error))
    {
      gh_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
gh_store_rollback (GhStore *self)
{
  g_return_if_fail (GH_IS_STORE (self));
  if (_gh_store_in_transaction (self))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
gh_store_get_meta (GhStore    *self,
                   const char *key)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gboolean
gh_store_set_meta (GhStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "INSERT INTO meta (key, value) VALUES (?1, ?2)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return _gh_store_step_done (self, stmt, "writing a setting", error);
}

/* ---- customers ---------------------------------------------------------- */

#define CUSTOMER_COLUMNS \
  "id, loyalty_id, ref, display_name, pin_hash, failed_pins, locked_until, lock_count, created_at"

static GhCustomer *
customer_from_row (sqlite3_stmt *stmt)
{
  GhCustomer *customer = g_new0 (GhCustomer, 1);

  customer->id = sqlite3_column_int64 (stmt, 0);
  customer->loyalty_id = column_dup (stmt, 1);
  customer->ref = column_dup (stmt, 2);
  customer->display_name = column_dup (stmt, 3);
  customer->pin_hash = column_dup (stmt, 4);
  customer->failed_pins = sqlite3_column_int (stmt, 5);
  customer->locked_until = sqlite3_column_int64 (stmt, 6);
  customer->lock_count = sqlite3_column_int (stmt, 7);
  customer->created_at = sqlite3_column_int64 (stmt, 8);
  return customer;
}

static GhCustomer *
find_customer_by (GhStore     *self,
                  const char  *sql,
                  const char  *key,
                  const char  *what,
                  GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);
  GhCustomer *customer = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    customer = customer_from_row (stmt);
  else if (rc == SQLITE_DONE)
    /* Never echo the identifier: it is personal data and may end up in a log. */
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND, "no customer with that %s", what);
  else
    _gh_store_set_error (self, rc, error, "looking up a customer");
  sqlite3_reset (stmt);
  return customer;
}

GhCustomer *
gh_store_find_customer (GhStore     *self,
                        const char  *loyalty_id,
                        GError     **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  g_return_val_if_fail (loyalty_id != NULL, NULL);
  return find_customer_by (self, "SELECT " CUSTOMER_COLUMNS " FROM customer WHERE loyalty_id = ?1",
                           loyalty_id, "loyalty number", error);
}

GhCustomer *
gh_store_find_customer_by_ref (GhStore     *self,
                               const char  *ref,
                               GError     **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);
  return find_customer_by (self, "SELECT " CUSTOMER_COLUMNS " FROM customer WHERE ref = ?1",
                           ref, "reference", error);
}

static gint64
step_insert (GhStore       *self,
             sqlite3_stmt  *stmt,
             const char    *what,
             GError       **error)
{
  if (!_gh_store_step_done (self, stmt, what, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
gh_store_add_customer (GhStore     *self,
                       const char  *loyalty_id,
                       const char  *ref,
                       const char  *display_name,
                       const char  *pin_hash,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (loyalty_id != NULL && ref != NULL && display_name != NULL, -1);

  stmt = _gh_store_prepare (self, "SELECT 1 FROM suppression WHERE customer_ref = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID,
                   "customer %s asked to be forgotten; not importing them again", ref);
      return -1;
    }
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "checking the suppression list");
      return -1;
    }

  stmt = _gh_store_prepare (self,
      "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, loyalty_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, pin_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  return step_insert (self, stmt, "adding a customer", error);
}

gint64
gh_store_add_data_item (GhStore     *self,
                        gint64       customer_id,
                        const char  *category,
                        const char  *attributes_json,
                        GhSource     source,
                        gint64       collected_at,
                        gint64       retained_until,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (category != NULL, -1);

  stmt = _gh_store_prepare (self,
      "INSERT INTO data_item (customer_id, category, attributes, source, collected_at, retained_until)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, attributes_json != NULL ? attributes_json : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, gh_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, collected_at);
  sqlite3_bind_int64 (stmt, 6, retained_until);
  return step_insert (self, stmt, "adding a data item", error);
}

GPtrArray *
gh_store_list_data_items (GhStore     *self,
                          gint64       customer_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT id, category, attributes, source, collected_at, retained_until"
      " FROM data_item WHERE customer_id = ?1 ORDER BY category, collected_at DESC, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhDataItem *item = g_new0 (GhDataItem, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->category = column_dup (stmt, 1);
      item->attributes = column_dup (stmt, 2);
      if (!gh_source_from_string ((const char *) sqlite3_column_text (stmt, 3), &item->source))
        item->source = GH_SOURCE_OBSERVED;
      item->collected_at = sqlite3_column_int64 (stmt, 4);
      item->retained_until = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a customer's data");
      return NULL;
    }
  return g_steal_pointer (&items);
}

GPtrArray *
gh_store_list_consents (GhStore     *self,
                        gint64       customer_id,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT purpose_id, state, updated_at, notice_version"
      " FROM consent WHERE customer_id = ?1 ORDER BY purpose_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhConsent *consent = g_new0 (GhConsent, 1);

      consent->purpose_id = column_dup (stmt, 0);
      consent->state = sqlite3_column_int (stmt, 1) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
      consent->updated_at = sqlite3_column_int64 (stmt, 2);
      consent->notice_version = column_dup (stmt, 3);
      g_ptr_array_add (consents, consent);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a customer's consents");
      return NULL;
    }
  return g_steal_pointer (&consents);
}

/* ---- consent changes ---------------------------------------------------- */

static gboolean
read_consent_state (GhStore        *self,
                    gint64          customer_id,
                    const char     *purpose_id,
                    gboolean       *present,
                    GhConsentState *state,
                    GError        **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "SELECT state FROM consent WHERE customer_id = ?1 AND purpose_id = ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, purpose_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *present = rc == SQLITE_ROW;
  if (*present)
    *state = sqlite3_column_int (stmt, 0) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading a consent");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_consent_row (GhStore         *self,
                   gint64           customer_id,
                   const char      *purpose_id,
                   GhConsentState   state,
                   const char      *notice_version,
                   GError         **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "INSERT INTO consent (customer_id, purpose_id, state, updated_at, notice_version)"
      " VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT (customer_id, purpose_id) DO UPDATE SET"
      "  state = excluded.state, updated_at = excluded.updated_at,"
      "  notice_version = excluded.notice_version", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_text (stmt, 2, purpose_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, state);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 5, notice_version, -1, SQLITE_STATIC);
  return _gh_store_step_done (self, stmt, "writing a consent", error);
}

gint64
gh_store_set_consent (GhStore           *self,
                      const GhCustomer  *customer,
                      const char        *purpose_id,
                      GhConsentState     state,
                      const char        *notice_version,
                      const char        *actor,
                      GError           **error)
{
  g_autofree char *body = NULL;
  gboolean present = FALSE;
  GhConsentState current = GH_CONSENT_REVOKED;
  gint64 seq;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (customer != NULL, -1);
  g_return_val_if_fail (purpose_id != NULL && actor != NULL, -1);

  if (!gh_store_begin (self, error))
    return -1;
  if (!read_consent_state (self, customer->id, purpose_id, &present, &current, error))
    goto fail;
  if (present && current == state)
    {
      gh_store_rollback (self);
      return 0;
    }
  if (!write_consent_row (self, customer->id, purpose_id, state, notice_version, error))
    goto fail;

  body = gh_event_chain_consent_body (purpose_id, state, notice_version);
  seq = gh_store_append_event (self, actor, customer->ref,
                               state == GH_CONSENT_GRANTED ? "consent.granted" : "consent.revoked",
                               body, error);
  if (seq < 0 || !gh_store_commit (self, error))
    goto fail;
  return seq;

fail:
  gh_store_rollback (self);
  return -1;
}

/* ---- the audit chain ---------------------------------------------------- */

static gboolean
read_chain_head (GhStore  *self,
                 gint64   *seq,
                 char    **hash,
                 GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      *hash = column_dup (stmt, 1);
    }
  else
    {
      *seq = 0;
      *hash = g_strdup (GH_EVENT_CHAIN_GENESIS);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_clear_pointer (hash, g_free);
      _gh_store_set_error (self, rc, error, "reading the audit chain");
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_event_rows (GhStore        *self,
                   const GhEvent  *event,
                   GError        **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "INSERT INTO event (seq, at, kiosk_id, actor, customer_ref, kind, body, prev_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->seq);
  sqlite3_bind_text (stmt, 2, event->at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, event->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, event->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, event->customer_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, event->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, event->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, event->prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, event->hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "appending to the audit chain");
      return FALSE;
    }

  stmt = _gh_store_prepare (self, "INSERT INTO outbox (seq) VALUES (?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->seq);
  return _gh_store_step_done (self, stmt, "queueing an event for HQ", error);
}

gint64
gh_store_append_event (GhStore     *self,
                       const char  *actor,
                       const char  *customer_ref,
                       const char  *kind,
                       const char  *body_json,
                       GError     **error)
{
  gboolean own_transaction;
  g_autofree char *prev_hash = NULL;
  g_autofree char *head_value = NULL;
  GhEvent event = { 0 };
  gint64 head_seq;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (actor != NULL && kind != NULL, -1);

  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  if (!read_chain_head (self, &head_seq, &prev_hash, error))
    goto fail;

  event.seq = head_seq + 1;
  event.at = _gh_store_now_iso ();
  event.kiosk_id = self->kiosk_id;
  event.actor = (char *) actor;
  event.customer_ref = (char *) customer_ref;
  event.kind = (char *) kind;
  event.body = (char *) (body_json != NULL ? body_json : "{}");
  event.prev_hash = prev_hash;
  event.hash = gh_event_chain_hash (&event);

  /* The head is kept beside the chain so that cutting events off its end is
   * noticed too: the chain alone cannot tell a truncated log from a short one. */
  head_value = g_strdup_printf ("%" G_GINT64_FORMAT " %s", event.seq, event.hash);
  if (!insert_event_rows (self, &event, error) ||
      !gh_store_set_meta (self, "chain_head", head_value, error))
    goto fail_event;
  g_free (event.at);
  g_free (event.hash);

  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return head_seq + 1;

fail_event:
  g_free (event.at);
  g_free (event.hash);
fail:
  if (own_transaction)
    gh_store_rollback (self);
  return -1;
}

gint64
gh_store_append_event_with_attachment (GhStore     *self,
                                       const char  *actor,
                                       const char  *customer_ref,
                                       const char  *kind,
                                       const char  *body_json,
                                       const char  *attachment_json,
                                       GError     **error)
{
  gboolean own_transaction;
  sqlite3_stmt *stmt;
  gint64 seq;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (attachment_json != NULL, -1);

  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  seq = gh_store_append_event (self, actor, customer_ref, kind, body_json, error);
  if (seq < 0)
    goto fail;
  stmt = _gh_store_prepare (self, "INSERT INTO event_attachment (seq, body) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, attachment_json, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "attaching data to an event");
      goto fail;
    }
  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return seq;

fail:
  if (own_transaction)
    gh_store_rollback (self);
  return -1;
}

gboolean
gh_store_forget_attachments (GhStore     *self,
                             const char  *customer_ref,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  stmt = _gh_store_prepare (self,
      "DELETE FROM event_attachment WHERE seq IN (SELECT seq FROM event WHERE customer_ref = ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, customer_ref, -1, SQLITE_STATIC);
  return _gh_store_step_done (self, stmt, "deleting a shopper's undelivered data", error);
}

gint64
gh_store_count_events (GhStore  *self,
                       GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, "SELECT count(*) FROM event", error);
  gint64 count;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    _gh_store_set_error (self, rc, error, "counting events");
  return count;
}

static GhEvent *
event_from_row (sqlite3_stmt *stmt)
{
  GhEvent *event = g_new0 (GhEvent, 1);

  event->seq = sqlite3_column_int64 (stmt, 0);
  event->at = column_dup (stmt, 1);
  event->kiosk_id = column_dup (stmt, 2);
  event->actor = column_dup (stmt, 3);
  event->customer_ref = column_dup (stmt, 4);
  event->kind = column_dup (stmt, 5);
  event->body = column_dup (stmt, 6);
  event->prev_hash = column_dup (stmt, 7);
  event->hash = column_dup (stmt, 8);
  return event;
}

#define EVENT_COLUMNS "e.seq, e.at, e.kiosk_id, e.actor, e.customer_ref, e.kind, e.body, e.prev_hash, e.hash"

static gboolean
chain_break (GError     **error,
             gint64      *first_bad_seq,
             gint64       seq,
             const char  *path,
             const char  *why)
{
  *first_bad_seq = seq;
  g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
               "%s: audit chain broken at event %" G_GINT64_FORMAT ": %s", path, seq, why);
  return FALSE;
}

gboolean
gh_store_verify_chain (GhStore  *self,
                       gint64   *checked,
                       gint64   *first_bad_seq,
                       GError  **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *expected_prev = g_strdup (GH_EVENT_CHAIN_GENESIS);
  g_autofree char *head = NULL;
  gint64 expected_seq = 1, dummy_bad = 0;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  if (first_bad_seq == NULL)
    first_bad_seq = &dummy_bad;
  *first_bad_seq = 0;
  if (checked != NULL)
    *checked = 0;

  stmt = _gh_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM event e ORDER BY e.seq", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GhEvent) event = event_from_row (stmt);
      g_autofree char *hash = NULL;

      if (event->seq != expected_seq)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, expected_seq, self->path,
                              "the event is missing");
        }
      if (g_strcmp0 (event->prev_hash, expected_prev) != 0)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, event->seq, self->path,
                              "it does not link to the event before it");
        }
      hash = gh_event_chain_hash (event);
      if (g_strcmp0 (hash, event->hash) != 0)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, event->seq, self->path,
                              "its contents do not match its hash");
        }
      g_free (expected_prev);
      expected_prev = g_steal_pointer (&event->hash);
      expected_seq++;
      if (checked != NULL)
        (*checked)++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading the audit chain");
      return FALSE;
    }

  head = gh_store_get_meta (self, "chain_head");
  if (expected_seq > 1 || head != NULL)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT " %s", expected_seq - 1, expected_prev);
      if (g_strcmp0 (head, want) != 0)
        return chain_break (error, first_bad_seq, expected_seq, self->path,
                            "events are missing from the end of the chain");
    }
  return TRUE;
}

/* ---- the outbox --------------------------------------------------------- */

GPtrArray *
gh_store_outbox_list (GhStore     *self,
                      gint64       after_seq,
                      int          limit,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_event_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT " EVENT_COLUMNS ", a.body FROM outbox o JOIN event e ON e.seq = o.seq"
      " LEFT JOIN event_attachment a ON a.seq = o.seq"
      " WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int (stmt, 2, limit > 0 ? limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhEvent *event = event_from_row (stmt);

      event->attachment = column_dup (stmt, 9);
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading the outbox");
      return NULL;
    }
  return g_steal_pointer (&events);
}

gint64
gh_store_outbox_count (GhStore  *self,
                       GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, "SELECT count(*) FROM outbox", error);
  gint64 count;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    _gh_store_set_error (self, rc, error, "counting the outbox");
  return count;
}

static gboolean
exec_with_int64 (GhStore     *self,
                      const char  *sql,
                      gint64       value,
                      GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, value);
  return _gh_store_step_done (self, stmt, "acknowledging events", error);
}

gint64
gh_store_outbox_ack (GhStore     *self,
                     gint64       seq,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean own_transaction;
  gint64 max_seq, acked;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), -1);

  stmt = _gh_store_prepare (self, "SELECT coalesce (max (seq), 0) FROM event", error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  max_seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (self, rc, error, "reading the audit chain");
      return -1;
    }
  if (seq < 1 || seq > max_seq)
    {
      /* Acking what was never sent would silently drop events HQ has not seen. */
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND,
                   "outbox ack %" G_GINT64_FORMAT ": no such event (the last is %" G_GINT64_FORMAT ")",
                   seq, max_seq);
      return -1;
    }

  /* HQ has the attachments now: the kiosk keeps no copy of personal data it
   * only held to deliver. One transaction, so both go or neither. */
  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  if (!exec_with_int64 (self, "DELETE FROM event_attachment WHERE seq <= ?1", seq, error) ||
      !exec_with_int64 (self, "DELETE FROM outbox WHERE seq <= ?1", seq, error))
    {
      if (own_transaction)
        gh_store_rollback (self);
      return -1;
    }
  acked = sqlite3_changes (self->db);
  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return acked;
}

/* ---- configuration ------------------------------------------------------ */

GBytes *
gh_store_get_active_config (GhStore  *self,
                            gint64   *version,
                            GError  **error)
{
  sqlite3_stmt *stmt;
  GBytes *payload = NULL;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self, "SELECT version, payload FROM config WHERE active = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 0);
      payload = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    _gh_store_set_error (self, rc, error, "reading the active configuration");
  sqlite3_reset (stmt);
  return payload;
}
