/* Shared test helpers; see gh-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "store/gh-store-private.h"
#include "gh-test-utils.h"

/* A complete, valid config (GhCatalog loads it), so code that reads the active
 * catalog works in tests built on gh_test_store_with_shopper. */
const char *gh_test_small_config =
  "{\"format\":\"glasshouse-config/1\",\"version\":1,"
  "\"issued_at\":\"2025-01-01T00:00:00Z\",\"expires_at\":\"2099-01-01T00:00:00Z\","
  "\"stores\":[\"*\"],\"languages\":[\"en\"],"
  "\"controller\":{\"name\":\"Example Retail Ltd\",\"policy_url\":\"https://example.org/privacy\","
  "\"jurisdiction\":\"EU\"},"
  "\"data_categories\":["
  "{\"id\":\"user.contact.email\",\"title\":{\"en\":\"Email address\"},"
  "\"description\":{\"en\":\"The address we write to\"},\"retention_days\":730},"
  "{\"id\":\"user.behavior.purchase_history\",\"title\":{\"en\":\"Purchases\"},"
  "\"description\":{\"en\":\"What you bought\"},\"retention_days\":730},"
  "{\"id\":\"user.demographic.profile\",\"title\":{\"en\":\"Profile\"},"
  "\"description\":{\"en\":\"What we inferred\"},\"retention_days\":180}],"
  "\"purposes\":["
  "{\"id\":\"marketing.email\",\"title\":{\"en\":\"Email offers\"},\"description\":{\"en\":\"Offers by email\"},"
  "\"legal_basis\":\"consent\",\"data_categories\":[\"user.contact.email\"],\"notice_version\":\"3\"},"
  "{\"id\":\"personalize.offers\",\"title\":{\"en\":\"Personal offers\"},"
  "\"description\":{\"en\":\"Offers from what you bought\"},\"legal_basis\":\"consent\","
  "\"data_categories\":[\"user.behavior.purchase_history\",\"user.demographic.profile\"],"
  "\"notice_version\":\"2\"},"
  "{\"id\":\"service.orders\",\"title\":{\"en\":\"Your orders\"},\"description\":{\"en\":\"Delivering orders\"},"
  "\"legal_basis\":\"contract\",\"data_categories\":[\"user.contact.email\"],\"notice_version\":\"1\"}],"
  "\"offers\":[],"
  "\"kiosk\":{\"idle_timeout_seconds\":60,\"warning_seconds\":15,"
  "\"portal_url\":\"https://example.org/portal\"},"
  "\"branding\":{\"name\":\"Example\",\"promise\":{\"en\":\"See what we hold\"},"
  "\"accent_color\":\"#1a7f5a\"}}";

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
  gh_test_activate_config (store, 1, gh_test_small_config);
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
    const char *argv[] = { analyze, "verify", service_path, timer_path, NULL };
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
