/* Shared test helpers; see gh-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/gh-auth.h"
#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

char *
gh_test_data_read (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  const char *source = g_getenv ("GLASSHOUSE_SOURCE_DIR");

  if (source == NULL)
    gh_test_fail ("GLASSHOUSE_SOURCE_DIR is not set (meson test sets it)");
  path = g_build_filename (source, "tests", "data", name, NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  if (error != NULL)
    gh_test_fail ("cannot read the test data %s: %s", path, error->message);
  return contents;
}

/* Sets @object's member @name to @value, failing the test when the fixture lacks it. */
static JsonObject *
fixture_object (JsonNode   *root,
                const char *name)
{
  JsonObject *object = json_node_get_object (root);

  if (!json_object_has_member (object, name))
    gh_test_fail ("the test config has no \"%s\"", name);
  return object;
}

static JsonNode *
data_config (const char *name,
             gint64      version)
{
  g_autofree char *text = gh_test_data_read (name);
  g_autoptr(GError) error = NULL;
  JsonNode *root = json_from_string (text, &error);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    gh_test_fail ("tests/data/%s is not a JSON object: %s", name,
                  error != NULL ? error->message : "another JSON value");
  if (version > 0)
    json_object_set_int_member (fixture_object (root, "version"), "version", version);
  return root;
}

char *
gh_test_data_config (const char *name,
                     gint64      version)
{
  g_autoptr(JsonNode) root = data_config (name, version);

  return json_to_string (root, FALSE);
}

char *
gh_test_privacy_config (gint64      version,
                        const char *staff_hash)
{
  g_autoptr(JsonNode) root = data_config ("privacy-config.json", version);
  JsonArray *staff = json_object_get_array_member (fixture_object (root, "staff"), "staff");

  json_object_set_string_member (json_array_get_object_element (staff, 0), "pin_hash",
                                 staff_hash);
  return json_to_string (root, FALSE);
}

const char *
gh_test_small_config (void)
{
  static char *config;

  /* Read once; the tests are single-threaded where they call this. */
  if (config == NULL)
    config = gh_test_data_config ("small-config.json", 0);
  return config;
}

int
gh_test_run_and_free (gpointer       world,
                      GDestroyNotify free_world,
                      char          *skip_reason)
{
  int status = g_test_run ();

  free_world (world);
  g_free (skip_reason);
  return status;
}

int
gh_test_compare_doubles (gconstpointer a,
                         gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

char *
gh_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("glasshouse-test-XXXXXX", &error);

  g_assert_no_error (error);
  /* Readable by an unprivileged user: some tests drop root to see permissions bite. */
  g_chmod (dir, 0755);
  return dir;
}

static void
remove_recursively (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
      g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                 G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_recursively (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
gh_test_rmdir (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  remove_recursively (file);
}

void
gh_test_activate_config (GhStore    *store,
                         gint64      version,
                         const char *config_json)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_assert_true (_gh_store_exec (store, "UPDATE config SET active = 0", &error));
  g_assert_no_error (error);
  stmt = _gh_store_prepare (store,
      "INSERT INTO config (version, applied_at, payload, active) VALUES (?1, 'test', ?2, 1)", &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, version);
  sqlite3_bind_blob (stmt, 2, config_json, strlen (config_json), SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
}

GhStore *
gh_test_store_with_shopper (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id;

  g_assert_no_error (error);
  gh_test_activate_config (store, 1, gh_test_small_config ());
  id = gh_store_add_customer (store, "1000", "ref-1000", "Ada Example", NULL, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (store, id, "user.contact.email", "{\"value\":\"ada@example.org\"}",
                          GH_SOURCE_PROVIDED, now - 86400, now + 365 * 86400, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (store, id, "user.behavior.purchase_history",
                          "{\"department\":\"running\",\"item\":\"trail shoes\",\"amount\":89.5}",
                          GH_SOURCE_OBSERVED, now - 10 * 86400, now + 700 * 86400, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (store, id, "user.demographic.profile", "{\"segment\":\"likely runner\"}",
                          GH_SOURCE_INFERRED, now - 5 * 86400, now + 180 * 86400, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

int
gh_test_run_ctlv (char              **out,
                  char              **err,
                  const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");

  g_assert_nonnull (ctl);
  g_ptr_array_add (argv, (gpointer) ctl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

int
gh_test_run_ctl (char       **out,
                 char       **err,
                 const char  *first_arg,
                 ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return gh_test_run_ctlv (out, err, (const char * const *) args->pdata);
}

GBytes *
gh_test_read_bytes (const char *path)
{
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_bytes_new (NULL, 0);
  return g_bytes_new_take (contents, length);
}

GBytes *
gh_test_read_store_files (const char *path)
{
  GByteArray *all = g_byte_array_new ();
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_autoptr(GBytes) bytes = gh_test_read_bytes (name);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      if (size > 0)
        g_byte_array_append (all, data, size);
    }
  return g_byte_array_free_to_bytes (all);
}

gboolean
gh_test_bytes_contain (GBytes     *haystack,
                       const char *needle)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (haystack, &size);

  return data != NULL && memmem (data, size, needle, strlen (needle)) != NULL;
}

void
gh_test_verify_units (const char *service_in,
                      const char *timer_name,
                      const char *command)
{
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  const char *source = g_getenv ("GLASSHOUSE_SOURCE_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *template = NULL;
  g_autofree char *timer = NULL;
  g_autofree char *bindir = NULL;
  g_autofree char *service_name = NULL;
  g_autofree char *service_path = NULL;
  g_autofree char *timer_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *exec = NULL;
  g_autoptr(GString) service = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (analyze == NULL)
    {
      g_test_skip ("systemd-analyze is not installed");
      return;
    }
  g_assert_nonnull (source);
  dir = gh_test_mkdtemp ();
  {
    g_autofree char *in = g_build_filename (source, "data", service_in, NULL);
    g_autofree char *tm = g_build_filename (source, "data", timer_name, NULL);

    g_assert_true (g_file_get_contents (in, &template, NULL, &error));
    g_assert_true (g_file_get_contents (tm, &timer, NULL, &error));
  }
  /* verify insists that ExecStart's binary exists: point it at the one just built. */
  bindir = g_path_get_dirname (g_getenv ("GLASSHOUSE_CTL"));
  service = g_string_new (template);
  g_assert_cmpuint (g_string_replace (service, "@bindir@", bindir, 0), ==, 1);
  exec = g_strdup_printf ("/glasshouse-ctl %s", command);
  g_assert_nonnull (strstr (service->str, exec));
  service_name = g_strndup (service_in, strlen (service_in) - strlen (".in"));
  service_path = g_build_filename (dir, service_name, NULL);
  timer_path = g_build_filename (dir, timer_name, NULL);
  g_assert_true (g_file_set_contents (service_path, service->str, -1, &error));
  g_assert_true (g_file_set_contents (timer_path, timer, -1, &error));
  {
    /* As the kiosk's and the portal's units: the man page is checked with the installed
     * package (tools/check-package.sh); here, a machine with man-db would look for it. */
    const char *argv[] = { analyze, "verify", "--man=no", service_path, timer_path, NULL };
    g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
  }
  g_assert_no_error (error);
  g_test_message ("systemd-analyze verify: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_null (strstr (err, service_name));
  g_assert_null (strstr (err, timer_name));
  gh_test_rmdir (dir);
}

/* ---- what a test process writes ---------------------------------------------------- */

static GMutex   log_lock;
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (captured_log, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
  g_mutex_unlock (&log_lock);
  /* Debug lines would go to stdout and break TAP; captured is enough for them. */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

void
gh_test_log_capture_start (void)
{
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
}

char *
gh_test_log_capture_dup (void)
{
  char *text;

  g_mutex_lock (&log_lock);
  text = g_strdup (captured_log->str);
  g_mutex_unlock (&log_lock);
  return text;
}

int
gh_test_capture_begin (const char *err_path)
{
  int saved, fd;

  fflush (stderr);
  saved = dup (STDERR_FILENO);
  fd = open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  dup2 (fd, STDERR_FILENO);
  close (fd);
  g_mutex_lock (&log_lock);
  g_string_truncate (captured_log, 0);
  g_mutex_unlock (&log_lock);
  return saved;
}

void
gh_test_capture_end (int saved)
{
  fflush (stderr);
  dup2 (saved, STDERR_FILENO);
  close (saved);
}

GhDataItem *
gh_test_data_item_new (gint64      id,
                       const char *category,
                       const char *attributes,
                       gint64      now,
                       gint64      age_days)
{
  GhDataItem *item = g_new0 (GhDataItem, 1);

  item->id = id;
  item->category = g_strdup (category);
  item->attributes = g_strdup (attributes);
  item->source = GH_SOURCE_OBSERVED;
  item->collected_at = now - age_days * 86400;
  item->retained_until = now + 365 * 86400;
  return item;
}

gint64 gh_test_fake_now;

gint64
gh_test_fake_clock (gpointer user_data)
{
  return gh_test_fake_now;
}

void
gh_test_init_capturing (int    *argc,
                        char ***argv)
{
  g_test_init (argc, argv, NULL);
  /* Debug messages too: an identifier in a g_debug line would be a leak as well. */
  g_log_set_debug_enabled (TRUE);
  gh_test_log_capture_start ();
  g_assert_cmpint (sodium_init (), >=, 0);
}

/* ---- PIN tests ----------------------------------------------------------- */

void
gh_test_auth_load_catalog (GhTestAuthFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->catalog);
  fixture->catalog = gh_catalog_load_active (fixture->store, &error);
  g_assert_no_error (error);
}

void
gh_test_auth_set_up (GhTestAuthFixture *fixture,
                     gboolean           real_cost,
                     const char        *staff_pin,
                     const char        *loyalty_id,
                     const char        *name,
                     const char        *pin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *staff_hash = NULL;
  g_autofree char *json = NULL;
  g_autofree char *pin_hash = NULL;

  if (!real_cost)
    gh_auth_set_cost_for_testing (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  gh_test_fake_now = 1800000000;
  gh_auth_set_clock_for_testing (gh_test_fake_clock, NULL);

  fixture->dir = gh_test_mkdtemp ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = gh_store_open (fixture->path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  staff_hash = gh_auth_hash_pin (staff_pin);
  json = gh_test_privacy_config (1, staff_hash);
  gh_test_activate_config (fixture->store, 1, json);
  gh_test_auth_load_catalog (fixture);
  pin_hash = gh_auth_hash_pin (pin);
  gh_store_add_customer (fixture->store, loyalty_id, "ref-known", name, pin_hash, &error);
  g_assert_no_error (error);
}

void
gh_test_auth_tear_down (GhTestAuthFixture *fixture)
{
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  gh_auth_set_clock_for_testing (NULL, NULL);
  gh_auth_set_cost_for_testing (0, 0);
}

void
gh_test_got_result (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GhTestWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

GAsyncResult *
gh_test_wait_for (GhTestWait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

gint64
gh_test_store_int (GhStore    *store,
                   const char *sql,
                   const char *text)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = _gh_store_prepare (store, sql, &error);
  gint64 value;

  g_assert_no_error (error);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

char *
gh_test_zbar_decode (const char *png_path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "zbarimg", "--raw", "-q", png_path, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    gh_test_fail ("cannot run zbarimg: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL) || out == NULL || *out == '\0')
    return NULL;
  if (g_str_has_suffix (out, "\n"))
    out[strlen (out) - 1] = '\0';
  return g_steal_pointer (&out);
}

GhStore *
gh_test_demo_kiosk_store (const char  *db_path,
                          GhCatalog  **catalog)
{
  g_autofree char *config_path = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data",
                                                   "demo", "config.json", NULL);
  g_autofree char *config = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GhStore *store = gh_store_open (db_path, GH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (config_path, &config, NULL, &error));
  gh_test_activate_config (store, 1, config);
  bytes = g_bytes_new (config, strlen (config));
  *catalog = gh_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return store;
}

GhStore *
gh_test_kiosk_store_new (const char *path,
                         const char *kiosk_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_true (gh_store_set_meta (store, "kiosk_id", kiosk_id, &error));
  g_clear_object (&store);
  store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_store_get_kiosk_id (store), ==, kiosk_id);
  g_assert_true (_gh_store_exec (store, "PRAGMA synchronous = OFF", &error));
  return g_steal_pointer (&store);
}
