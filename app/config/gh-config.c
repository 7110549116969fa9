/* Taking a signed HQ bundle into the kiosk's store. The checks run in DESIGN.md's
 * order (size, envelope, key, signature, JSON, schema, cross-references, version,
 * expiry, store), the expensive ones before the write lock is taken and the ones
 * that depend on the store inside the transaction that writes, so two appliers
 * cannot both pass the version check. A refusal changes nothing but the audit
 * chain, which gains a config.rejected event saying where and why. The highest
 * version ever applied is kept apart from which config is active, so rolling
 * back never lets an old bundle be replayed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <string.h>

#include "config/gh-config.h"
#include "config/gh-json-build.h"
#include "config/gh-site-settings.h"
#include "store/gh-store-private.h"

#define META_HIGHEST   "config_highest_version"
#define META_STORE_ID  "store_id"
#define DEMO_KEY_NAME  "demo-hq-key-DO-NOT-USE"
#define DEMO_BUNDLE    "demo-config.bundle"

G_DEFINE_QUARK (gh-config-error-quark, gh_config_error)

gboolean
gh_config_is_rejection (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == GH_BUNDLE_ERROR)
    return error->code == GH_BUNDLE_ERROR_TOO_LARGE || error->code == GH_BUNDLE_ERROR_ENVELOPE
           || error->code == GH_BUNDLE_ERROR_UNKNOWN_KEY || error->code == GH_BUNDLE_ERROR_SIGNATURE;
  if (error->domain == GH_CATALOG_ERROR)
    return error->code == GH_CATALOG_ERROR_INVALID;
  if (error->domain == GH_CONFIG_ERROR)
    return error->code == GH_CONFIG_ERROR_REPLAY || error->code == GH_CONFIG_ERROR_EXPIRED
           || error->code == GH_CONFIG_ERROR_WRONG_STORE;
  return FALSE;
}

static char *
sha256_hex (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* Every refusal message is "<path>: <reason>"; paths never hold ": " (member
 * names from the bundle are quoted into the reason, not the path). */
static void
split_message (const char  *message,
               char       **path,
               char       **reason)
{
  const char *colon = strstr (message, ": ");

  if (colon == NULL)
    {
      *path = g_strdup ("bundle");
      *reason = g_strdup (message);
      return;
    }
  *path = g_strndup (message, colon - message);
  *reason = g_strdup (colon + 2);
}

/* The bundle's file name, when it came from a file: never its folders, which
 * may name a person's home. */
static void
add_source (JsonBuilder *builder,
            const char  *source)
{
  if (source != NULL)
    {
      g_autofree char *base = g_path_get_basename (source);
      gh_json_add_string (builder, "source", base);
    }
}

static gboolean
record_rejection (GhStore       *store,
                  const GError  *reason_error,
                  const char    *source,
                  GBytes        *bundle,
                  GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *body = NULL;

  split_message (reason_error->message, &path, &reason);
  json_builder_begin_object (builder);
  gh_json_add_string (builder, "path", path);
  gh_json_add_string (builder, "reason", reason);
  add_source (builder, source);
  if (bundle != NULL)
    {
      g_autofree char *digest = sha256_hex (bundle);
      gh_json_add_string (builder, "bundle_sha256", digest);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  gh_store_rollback (store);
  return gh_store_append_event (store, "hq", NULL, "config.rejected", body, error) > 0;
}

static gint64
query_int64 (GhStore     *store,
             const char  *sql,
             gint64       fallback,
             GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store, sql, error);
  gint64 value = fallback;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the configuration history");
      return -1;
    }
  return value;
}

gint64
gh_config_get_highest_version (GhStore  *store,
                               GError  **error)
{
  g_autofree char *meta = NULL;
  gint64 in_table;
  gint64 highest = 0;

  g_return_val_if_fail (GH_IS_STORE (store), -1);

  /* The table may have been pruned; meta remembers the highest for good. */
  in_table = query_int64 (store, "SELECT max (version) FROM config", 0, error);
  if (in_table < 0)
    return -1;
  meta = gh_store_get_meta (store, META_HIGHEST);
  if (meta != NULL)
    highest = g_ascii_strtoll (meta, NULL, 10);
  return MAX (highest, in_table);
}

static gboolean
check_expiry (GhCatalog  *catalog,
              GError    **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (gh_catalog_get_expires_unix (catalog) <= now)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_EXPIRED,
                   "expires_at: the config expired at %s", gh_catalog_get_expires_at (catalog));
      return FALSE;
    }
  return TRUE;
}

/* The checks that depend on the store; run inside the writing transaction. */
static gboolean
check_against_store (GhStore    *store,
                     GhCatalog  *catalog,
                     GError    **error)
{
  g_autofree char *store_id = NULL;
  gint64 highest = gh_config_get_highest_version (store, error);
  gint64 version = gh_catalog_get_version (catalog);

  if (highest < 0)
    return FALSE;
  if (version <= highest)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_REPLAY,
                   "version: %" G_GINT64_FORMAT " is not newer than %" G_GINT64_FORMAT
                   ", the highest version this kiosk has applied (a replay or a downgrade)",
                   version, highest);
      return FALSE;
    }
  if (!check_expiry (catalog, error))
    return FALSE;
  store_id = gh_store_get_meta (store, META_STORE_ID);
  if (!gh_catalog_is_for_store (catalog, store_id))
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_WRONG_STORE,
                   "stores: this kiosk's store \"%s\" is not listed", store_id);
      return FALSE;
    }
  return TRUE;
}

/* The store-independent checks: size, envelope, key, signature, JSON, schema,
 * cross-references. */
static GhCatalog *
open_and_parse (GBytes    *bundle_bytes,
                GhTrust   *trust,
                GhBundle **out_bundle,
                GError   **error)
{
  g_autoptr(GhBundle) bundle = gh_bundle_open (bundle_bytes, trust, error);
  GhCatalog *catalog;

  if (bundle == NULL)
    return NULL;
  catalog = gh_catalog_new_from_bytes (gh_bundle_get_payload (bundle), error);
  if (catalog != NULL && out_bundle != NULL)
    *out_bundle = g_steal_pointer (&bundle);
  return catalog;
}

static char *
applied_body (GhCatalog  *catalog,
              GhBundle   *bundle,
              const char *source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *digest = sha256_hex (gh_bundle_get_payload (bundle));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, gh_catalog_get_version (catalog));
  gh_json_add_string (builder, "key_id", gh_bundle_get_key_id (bundle));
  gh_json_add_string (builder, "issued_at", gh_catalog_get_issued_at (catalog));
  gh_json_add_string (builder, "expires_at", gh_catalog_get_expires_at (catalog));
  gh_json_add_string (builder, "payload_sha256", digest);
  add_source (builder, source);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
write_config (GhStore     *store,
              GhCatalog   *catalog,
              GhBundle    *bundle,
              const char  *source,
              GError     **error)
{
  g_autofree char *applied_at = _gh_store_now_iso ();
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, gh_catalog_get_version (catalog));
  g_autofree char *body = applied_body (catalog, bundle, source);
  GBytes *payload = gh_bundle_get_payload (bundle);
  sqlite3_stmt *stmt;

  if (!_gh_store_exec (store, "UPDATE config SET active = 0 WHERE active = 1", error))
    return FALSE;
  stmt = _gh_store_prepare (store,
      "INSERT INTO config (version, applied_at, payload, signature, key_id, active)"
      " VALUES (?1, ?2, ?3, ?4, ?5, 1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, gh_catalog_get_version (catalog));
  sqlite3_bind_text (stmt, 2, applied_at, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                       SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, gh_bundle_get_signature (bundle), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, gh_bundle_get_key_id (bundle), -1, SQLITE_STATIC);
  if (!_gh_store_step_done (store, stmt, "storing the configuration", error))
    return FALSE;

  stmt = _gh_store_prepare (store,
      "DELETE FROM config WHERE active = 0 AND version NOT IN"
      " (SELECT version FROM config ORDER BY version DESC LIMIT ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, GH_CONFIG_KEEP);
  if (!_gh_store_step_done (store, stmt, "pruning old configurations", error))
    return FALSE;

  return gh_store_set_meta (store, META_HIGHEST, version_text, error)
         && gh_store_append_event (store, "hq", NULL, "config.applied", body, error) > 0;
}

GhCatalog *
gh_config_apply (GhStore     *store,
                 GBytes      *bundle_bytes,
                 GhTrust     *trust,
                 const char  *source,
                 GError     **error)
{
  g_autoptr(GhBundle) bundle = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (bundle_bytes != NULL, NULL);
  g_return_val_if_fail (GH_IS_TRUST (trust), NULL);

  catalog = open_and_parse (bundle_bytes, trust, &bundle, &local_error);
  if (catalog != NULL)
    {
      if (!gh_store_begin (store, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (check_against_store (store, catalog, &local_error)
          && write_config (store, catalog, bundle, source, &local_error)
          && gh_store_commit (store, &local_error))
        return g_steal_pointer (&catalog);
      gh_store_rollback (store);
    }

  if (gh_config_is_rejection (local_error))
    {
      g_autoptr(GError) record_error = NULL;

      if (!record_rejection (store, local_error, source, bundle_bytes, &record_error))
        g_warning ("Could not record the refusal of a configuration bundle: %s", record_error->message);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

GhCatalog *
gh_config_apply_file (GhStore          *store,
                      const char       *path,
                      GhTrust          *trust,
                      GhFileReadFlags   flags,
                      GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  bytes = gh_bundle_read_file (path, flags, &local_error);
  if (bytes == NULL)
    {
      if (gh_config_is_rejection (local_error))
        {
          g_autoptr(GError) record_error = NULL;

          if (!record_rejection (store, local_error, path, NULL, &record_error))
            g_warning ("Could not record the refusal of %s: %s", path, record_error->message);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return gh_config_apply (store, bytes, trust, path, error);
}

GhCatalog *
gh_config_rollback (GhStore  *store,
                    GError  **error)
{
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *body = NULL;
  sqlite3_stmt *stmt;
  gint64 active, previous = 0;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  if (!gh_store_begin (store, error))
    return NULL;
  active = query_int64 (store, "SELECT version FROM config WHERE active = 1", 0, error);
  if (active < 0)
    goto fail;
  if (active == 0)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_NO_PREVIOUS,
                   "%s: no configuration is active, so there is nothing to roll back",
                   gh_store_get_path (store));
      goto fail;
    }

  stmt = _gh_store_prepare (store,
      "SELECT version, payload FROM config WHERE version < ?1 ORDER BY version DESC LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, active);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      previous = sqlite3_column_int64 (stmt, 0);
      payload = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the configuration history");
      goto fail;
    }
  if (previous == 0)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_NO_PREVIOUS,
                   "%s: version %" G_GINT64_FORMAT " is the oldest configuration kept; "
                   "there is nothing before it to roll back to", gh_store_get_path (store), active);
      goto fail;
    }

  catalog = gh_catalog_new_from_bytes (payload, &parse_error);
  if (catalog == NULL)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_NO_PREVIOUS,
                   "%s: the previous configuration (version %" G_GINT64_FORMAT ") no longer loads: %s",
                   gh_store_get_path (store), previous, parse_error->message);
      goto fail;
    }
  /* An expired config is refused on apply; going back to one would undo that. */
  if (gh_catalog_get_expires_unix (catalog) <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_EXPIRED,
                   "%s: the previous configuration (version %" G_GINT64_FORMAT ") expired at %s",
                   gh_store_get_path (store), previous, gh_catalog_get_expires_at (catalog));
      goto fail;
    }

  if (!_gh_store_exec (store, "UPDATE config SET active = 0 WHERE active = 1", error))
    goto fail;
  stmt = _gh_store_prepare (store, "UPDATE config SET active = 1 WHERE version = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, previous);
  if (!_gh_store_step_done (store, stmt, "re-activating the previous configuration", error))
    goto fail;
  body = g_strdup_printf ("{\"from\":%" G_GINT64_FORMAT ",\"to\":%" G_GINT64_FORMAT "}", active, previous);
  if (gh_store_append_event (store, "hq", NULL, "config.rolled_back", body, error) < 0
      || !gh_store_commit (store, error))
    goto fail;
  return g_steal_pointer (&catalog);

fail:
  gh_store_rollback (store);
  return NULL;
}

/* ---- status --------------------------------------------------------------- */

void
gh_config_status_free (GhConfigStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->issued_at);
  g_free (status->expires_at);
  g_free (status->applied_at);
  g_free (status->key_id);
  g_free (status->store_id);
  g_free (status->rejected_at);
  g_free (status->rejected_path);
  g_free (status->rejected_reason);
  g_free (status->rejected_source);
  g_free (status);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* The active config's row. Its dates are read by sqlite's JSON functions, not by parsing
 * the whole catalog: every sync's heartbeat asks for this status, and the catalog parse was
 * an eighth of a round with nothing to do. A config activated behind our back (tests do)
 * may not be JSON at all: its dates are then NULL and the rest is what the row says. */
static gboolean
read_active_row (GhStore         *store,
                 GhConfigStatus  *status,
                 GError         **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT version, applied_at, key_id,"
      "       CASE WHEN json_valid (CAST (payload AS TEXT))"
      "            THEN json_extract (CAST (payload AS TEXT), '$.issued_at') END,"
      "       CASE WHEN json_valid (CAST (payload AS TEXT))"
      "            THEN json_extract (CAST (payload AS TEXT), '$.expires_at') END"
      "  FROM config WHERE active = 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      status->version = sqlite3_column_int64 (stmt, 0);
      status->applied_at = column_dup (stmt, 1);
      status->key_id = column_dup (stmt, 2);
      status->issued_at = column_dup (stmt, 3);
      status->expires_at = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the active configuration");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_last_rejection (GhStore         *store,
                     GhConfigStatus  *status,
                     GError         **error)
{
  /* Through the partial index of schema 8: a refusal may be a million events back. */
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT at, body FROM event WHERE kind = 'config.rejected' ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(JsonNode) body = json_from_string ((const char *) sqlite3_column_text (stmt, 1), NULL);
      JsonObject *object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;

      status->rejected_at = column_dup (stmt, 0);
      if (object != NULL)
        {
          status->rejected_path = g_strdup (json_object_get_string_member_with_default (object, "path", NULL));
          status->rejected_reason = g_strdup (json_object_get_string_member_with_default (object, "reason", NULL));
          status->rejected_source = g_strdup (json_object_get_string_member_with_default (object, "source", NULL));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the audit chain");
      return FALSE;
    }
  return TRUE;
}

GhConfigStatus *
gh_config_get_status (GhStore  *store,
                      GError  **error)
{
  g_autoptr(GhConfigStatus) status = g_new0 (GhConfigStatus, 1);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  if (!read_active_row (store, status, error))
    return NULL;
  if ((status->highest_version = gh_config_get_highest_version (store, error)) < 0)
    return NULL;

  stmt = _gh_store_prepare (store, "SELECT max (version) FROM config WHERE version < ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, status->version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    status->previous_version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  status->store_id = gh_store_get_meta (store, META_STORE_ID);
  if (!read_last_rejection (store, status, error))
    return NULL;
  return g_steal_pointer (&status);
}

/* ---- the demo --------------------------------------------------------------- */

/* The demo bundle and key: in the build folder's data/ when run from a build (the build
 * signs the bundle there and copies the key beside it), else where they are installed. */
static char *
demo_dir (void)
{
  const char *build_dir = gh_site_build_dir ();

  return build_dir != NULL ? g_build_filename (build_dir, "data", NULL)
                           : g_build_filename (GH_PKGDATADIR, "demo", NULL);
}

static char *
find_demo_file (const char *name)
{
  g_autofree char *dir = demo_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

char *
gh_config_find_demo_bundle (void)
{
  const char *env = g_getenv ("GLASSHOUSE_DEMO_BUNDLE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return find_demo_file (DEMO_BUNDLE);
}

GhTrust *
gh_config_new_demo_trust (GError **error)
{
  g_autofree char *path = find_demo_file (DEMO_KEY_NAME ".pub");

  if (path == NULL)
    {
      g_autofree char *dir = demo_dir ();

      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_DEMO,
                   "the demo key " DEMO_KEY_NAME ".pub is not installed (looked in %s)", dir);
      return NULL;
    }
  return gh_trust_new_from_file (path, error);
}

gboolean
gh_config_apply_demo (GhStore  *store,
                      GError  **error)
{
  g_autofree char *path = gh_config_find_demo_bundle ();
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GhBundle) bundle = NULL;
  g_autoptr(GBytes) active = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) store_error = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  if (path == NULL)
    {
      g_set_error (error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_DEMO,
                   "the signed demo bundle " DEMO_BUNDLE " is not built or installed "
                   "(build the project, or set GLASSHOUSE_DEMO_BUNDLE)");
      return FALSE;
    }
  if ((trust = gh_config_new_demo_trust (error)) == NULL
      || (bytes = gh_bundle_read_file (path, GH_FILE_READ_DEFAULT, error)) == NULL)
    return FALSE;

  /* Already active, byte for byte: nothing to do. The signature is still checked,
   * so a tampered demo bundle is reported rather than silently ignored. */
  bundle = gh_bundle_open (bytes, trust, &local_error);
  active = gh_store_get_active_config (store, NULL, &store_error);
  if (store_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }
  if (bundle != NULL && active != NULL && g_bytes_equal (active, gh_bundle_get_payload (bundle)))
    return TRUE;

  catalog = gh_config_apply (store, bytes, trust, path, error);
  return catalog != NULL;
}
