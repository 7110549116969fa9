/* The site settings file (/etc/glasshouse/glasshouse.conf): one key file that gives the
 * kiosk, glasshouse-ctl and the timers the same store, inbox, trust file and HQ
 * connection, so an installed kiosk needs no options anywhere. Unknown groups and keys
 * are refused: a misspelt "db" would otherwise silently leave a kiosk on a new, empty
 * store. Also where the program finds the build folder it runs from.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-site-settings.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/gh-file-read.h"

/* Big enough for any sensible settings file; a bigger one is a mistake. */
#define MAX_SETTINGS_BYTES (64 * 1024)
#define MAX_CONNINFO_BYTES (16 * 1024)

G_DEFINE_QUARK (gh-site-settings-error-quark, gh_site_settings_error)

static const struct {
  const char *group;
  const char *key;
  gsize       offset;
  gboolean    absolute_path;
} known_keys[] = {
  { "kiosk", "db", G_STRUCT_OFFSET (GhSiteSettings, db_path), TRUE },
  { "kiosk", "inbox", G_STRUCT_OFFSET (GhSiteSettings, inbox_dir), TRUE },
  { "kiosk", "trust", G_STRUCT_OFFSET (GhSiteSettings, trust_file), TRUE },
  { "kiosk", "portal-url", G_STRUCT_OFFSET (GhSiteSettings, portal_url), FALSE },
  { "hq", "connection-file", G_STRUCT_OFFSET (GhSiteSettings, hq_connection_file), TRUE },
};

void
gh_site_settings_free (GhSiteSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->path);
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    g_free (G_STRUCT_MEMBER (char *, settings, known_keys[i].offset));
  g_free (settings);
}

static gboolean
is_known (const char *group,
          const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_str_equal (known_keys[i].group, group) && (key == NULL || g_str_equal (known_keys[i].key, key)))
      return TRUE;
  return FALSE;
}

static gboolean
check_names (GKeyFile    *file,
             const char  *path,
             GError     **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);

      if (!is_known (groups[g], NULL))
        {
          g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                       "%s: unknown group [%s] (known: [kiosk], [hq])", path, groups[g]);
          return FALSE;
        }
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        if (!is_known (groups[g], keys[k]))
          {
            g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                         "%s: [%s] has no key \"%s\"", path, groups[g], keys[k]);
            return FALSE;
          }
    }
  return TRUE;
}

GhSiteSettings *
gh_site_settings_load (const char  *path,
                       GError     **error)
{
  g_autoptr(GhSiteSettings) settings = g_new0 (GhSiteSettings, 1);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  bytes = gh_file_read_bounded (path, MAX_SETTINGS_BYTES, GH_FILE_READ_DEFAULT, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_UNREADABLE,
                   "settings file %s: %s", path, local_error->message);
      return NULL;
    }
  if (!g_key_file_load_from_data (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                  G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                   "settings file %s: %s", path, local_error->message);
      return NULL;
    }
  if (!check_names (file, path, error))
    return NULL;

  settings->path = g_strdup (path);
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    {
      g_autofree char *value = g_key_file_get_string (file, known_keys[i].group, known_keys[i].key,
                                                      NULL);

      if (value == NULL)
        continue;
      g_strstrip (value);
      if (*value == '\0')
        continue;
      if (known_keys[i].absolute_path && !g_path_is_absolute (value))
        {
          g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                       "%s: [%s] %s must be an absolute path", path, known_keys[i].group,
                       known_keys[i].key);
          return NULL;
        }
      if (!known_keys[i].absolute_path && !g_str_has_prefix (value, "https://")
          && !g_str_has_prefix (value, "http://"))
        {
          g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                       "%s: [%s] %s must be an http:// or https:// address", path,
                       known_keys[i].group, known_keys[i].key);
          return NULL;
        }
      G_STRUCT_MEMBER (char *, settings, known_keys[i].offset) = g_steal_pointer (&value);
    }
  return g_steal_pointer (&settings);
}

const GhSiteSettings *
gh_site_settings_get (GError **error)
{
  static GhSiteSettings *cached;
  static GMutex lock;
  const char *path = g_getenv ("GLASSHOUSE_CONF");
  g_autofree char *default_path = g_build_filename (SYSCONFDIR, "glasshouse", "glasshouse.conf",
                                                    NULL);
  GhSiteSettings *settings;

  g_mutex_lock (&lock);
  if (cached == NULL)
    {
      if (path == NULL)
        path = default_path;
      if (*path == '\0' || (access (path, F_OK) != 0 && errno == ENOENT))
        cached = g_new0 (GhSiteSettings, 1);
      else
        cached = gh_site_settings_load (path, error);
    }
  settings = cached;
  g_mutex_unlock (&lock);
  return settings;
}

char *
gh_site_settings_read_hq_conninfo (const GhSiteSettings  *settings,
                                   GError               **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  char *text;

  if (settings == NULL || settings->hq_connection_file == NULL)
    {
      g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                   "no HQ connection: give --postgres CONNINFO or set [hq] connection-file in %s",
                   settings != NULL && settings->path != NULL ? settings->path
                                                              : SYSCONFDIR "/glasshouse/glasshouse.conf");
      return NULL;
    }
  bytes = gh_file_read_bounded (settings->hq_connection_file, MAX_CONNINFO_BYTES,
                                GH_FILE_READ_DEFAULT, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_UNREADABLE,
                   "HQ connection file %s: %s", settings->hq_connection_file, local_error->message);
      return NULL;
    }
  /* It holds HQ's password: refuse it if anyone but its owner (and group) may read it. */
  if (stat (settings->hq_connection_file, &st) == 0 && (st.st_mode & S_IROTH) != 0)
    {
      g_set_error (error, GH_SITE_SETTINGS_ERROR, GH_SITE_SETTINGS_ERROR_INVALID,
                   "HQ connection file %s is readable by everyone; make it 0640 or 0600",
                   settings->hq_connection_file);
      return NULL;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return g_strstrip (text);
}

const char *
gh_site_build_dir (void)
{
  static char *build_dir;
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;

      /* Programs sit one or two folders below the build root (ui/, app/ctl/, tests/ui/);
       * a meson build root is the folder with meson-private/ in it. */
      for (int depth = 0; dir != NULL && depth < 4 && build_dir == NULL; depth++)
        {
          g_autofree char *marker = g_build_filename (dir, "meson-private", NULL);
          char *parent;

          if (g_file_test (marker, G_FILE_TEST_IS_DIR))
            build_dir = g_strdup (dir);
          parent = g_path_get_dirname (dir);
          g_free (dir);
          dir = parent;
        }
      g_once_init_leave (&initialised, 1);
    }
  return build_dir;
}
