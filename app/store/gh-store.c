/* GhStore: the kiosk's consent store, one sqlite database in WAL mode.
 *
 * Every write is one IMMEDIATE transaction with synchronous=FULL, so an
 * acknowledged consent change survives a crash or power loss. Statements are
 * prepared once per connection and cached. A store is checked before sqlite
 * touches it (magic, truncation) so a damaged file is reported, never rewritten.
 * This file holds the connection, settings, transactions and the active config;
 * gh-store-shoppers.c the customers and consents, gh-store-events.c the audit
 * chain and the outbox.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000

struct _GhStore
{
  GObject     parent_instance;
  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt* */
  char       *kiosk_id;
  int         schema_version;
  gboolean    redoable;     /* in a gh_store_begin_redoable transaction */
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

char *
_gh_store_format_unix (gint64      unix_seconds,
                       const char *fallback)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (unix_seconds);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : g_strdup (fallback);
}

char *
_gh_store_column_dup (sqlite3_stmt *stmt,
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
  g_autofree char *journal = NULL;
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
  /* Likewise a rollback journal left by a writer that died mid-transaction (a kill,
   * SIGXFSZ, a power cut): the file may be longer or shorter than its header says
   * until sqlite rolls it back, which it does on the first read. */
  journal = g_strconcat (self->path, "-journal", NULL);
  if (g_stat (journal, &wal_stat) == 0 && wal_stat.st_size > 0)
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

/* The key of a keyed hash (pin_lockout's subjects, members' derived pseudonyms):
 * random bytes from the system's generator (sqlite's randomblob () is not made
 * for secrets), kept in meta under @name. */
static gboolean
add_secret_key (GhStore     *self,
                const char  *name,
                GError     **error)
{
  guint8 key[crypto_generichash_KEYBYTES];
  char hex[sizeof key * 2 + 1];
  gboolean ok;

  if (sodium_init () < 0)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                   "%s: cannot make the key %s (libsodium did not start)", self->path, name);
      return FALSE;
    }
  randombytes_buf (key, sizeof key);
  sodium_bin2hex (hex, sizeof hex, key, sizeof key);
  ok = gh_store_set_meta (self, name, hex, error);
  sodium_memzero (key, sizeof key);
  sodium_memzero (hex, sizeof hex);
  return ok;
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
  if (from < GH_STORE_SCHEMA_PIN_LOCKOUT &&
      !add_secret_key (self, GH_STORE_META_PIN_LOCKOUT_KEY, error))
    goto fail;
  if (from < GH_STORE_SCHEMA_MEMBERS && !add_secret_key (self, GH_STORE_META_MEMBER_REF_KEY, error))
    goto fail;
  return gh_store_commit (self, error);

fail:
  gh_store_rollback (self);
  return FALSE;
}

/* A read-only connection that also works where nothing may be written. In WAL
 * mode even a reader needs the -shm file, so on read-only media (no -shm, or one
 * that cannot be mapped) the store is opened as immutable: sqlite then reads the
 * database file alone, and a write-ahead log that was never checkpointed into it
 * cannot be read. That is said on stderr rather than silently ignored. */
static gboolean
open_read_only (GhStore  *self,
                GError  **error)
{
  g_autofree char *uri = NULL;
  g_autofree char *escaped = g_uri_escape_string (self->path, "/", FALSE);
  int rc;

  uri = g_strconcat ("file:", escaped, "?mode=ro", NULL);
  rc = sqlite3_open_v2 (uri, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->db, "SELECT count (*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    return TRUE;

  g_clear_pointer (&self->db, sqlite3_close);
  g_free (uri);
  uri = g_strconcat ("file:", escaped, "?mode=ro&immutable=1", NULL);
  rc = sqlite3_open_v2 (uri, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (self, rc, error, "opening the store read-only");
      return FALSE;
    }
  {
    g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
    GStatBuf st;

    if (g_stat (wal, &st) == 0 && st.st_size > 0)
      g_message ("%s is on read-only media with a write-ahead log that cannot be read there: "
                 "reading the database file as of its last checkpoint", self->path);
  }
  return TRUE;
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
  if (flags & GH_STORE_OPEN_READ_ONLY)
    {
      if (!exists)
        {
          g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s: no store here", path);
          return NULL;
        }
      if (!open_read_only (self, error))
        return NULL;
    }
  else
    {
      rc = sqlite3_open_v2 (path, &self->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
                            | ((flags & GH_STORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0),
                            NULL);
      if (rc != SQLITE_OK)
        {
          _gh_store_set_error (self, rc, error, "opening the store");
          return NULL;
        }
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

  if (flags & GH_STORE_OPEN_READ_ONLY)
    {
      /* Evidence is checked as it is: an older schema is not migrated. */
      self->schema_version = version;
      self->kiosk_id = gh_store_get_meta (self, "kiosk_id");
      return g_steal_pointer (&self);
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

/* Every write but a redoable one waits for the disk (see gh_store_begin_redoable). */
static void
end_redoable (GhStore *self)
{
  if (!self->redoable)
    return;
  self->redoable = FALSE;
  if (sqlite3_exec (self->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("%s: could not restore synchronous=FULL: %s", self->path,
               sqlite3_errmsg (self->db));
}

gboolean
gh_store_set_cache_size (GhStore  *self,
                         int       mib,
                         GError  **error)
{
  g_autofree char *pragma = NULL;

  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  g_return_val_if_fail (mib > 0, FALSE);
  /* A negative cache_size is in KiB, whatever the page size. */
  pragma = g_strdup_printf ("PRAGMA cache_size = -%d", mib * 1024);
  return _gh_store_exec (self, pragma, error);
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
gh_store_begin_redoable (GhStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  /* SQLite refuses to change the safety level inside a transaction: lowered here,
   * raised again by end_redoable once it is over. With the WAL, synchronous=NORMAL
   * writes the commit but syncs it only at the next checkpoint or FULL commit. */
  if (!_gh_store_exec (self, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  self->redoable = TRUE;
  if (!gh_store_begin (self, error))
    {
      end_redoable (self);
      return FALSE;
    }
  return TRUE;
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
  end_redoable (self);
  return TRUE;
}

void
gh_store_rollback (GhStore *self)
{
  g_return_if_fail (GH_IS_STORE (self));
  if (_gh_store_in_transaction (self))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  end_redoable (self);
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
    value = _gh_store_column_dup (stmt, 0);
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

gboolean
_gh_store_note_retention (GhStore  *self,
                          gint64    retained_until,
                          GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "UPDATE meta SET value = ?1 WHERE key = '" GH_STORE_META_RETENTION_DUE_AT "'"
      " AND CAST (value AS INTEGER) > ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, retained_until);
  return _gh_store_step_done (self, stmt, "noting when retention is next due", error);
}
