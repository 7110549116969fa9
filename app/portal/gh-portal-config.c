/* Reads glasshouse-portal's key file: where to listen, HQ's PostgreSQL, the
 * bundle trust file, TLS and the limits. A bad value is refused with the file,
 * group, key and reason, so the unit fails at start and says why.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include "portal/gh-portal-config.h"

#include <gio/gio.h>

#include "receipts/gh-token.h"

G_DEFINE_QUARK (gh-portal-config-error-quark, gh_portal_config_error)

#define GROUP "portal"

GhPortalConfig *
gh_portal_config_new_default (void)
{
  GhPortalConfig *config = g_new0 (GhPortalConfig, 1);

  config->address = g_strdup ("127.0.0.1");
  config->port = 8080;
  config->session_minutes = 10;
  config->session_max_minutes = 30;
  config->pool_size = 4;
  config->request_seconds = 10;
  config->max_body_bytes = 8192;
  config->code_attempts = 10;
  config->portal_id = g_strdup ("portal");
  return config;
}

void
gh_portal_config_free (GhPortalConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->address);
  g_free (config->postgres);
  g_free (config->bundle_trust);
  g_free (config->tls_certificate);
  g_free (config->tls_key);
  g_free (config->localedir);
  g_free (config->receipt_key);
  g_free (config->portal_id);
  g_free (config->hq_staff_file);
  g_free (config->hq_report_postgres);
  g_free (config);
}

static gboolean
refuse (GError    **error,
        const char *path,
        const char *key,
        const char *reason)
{
  g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
               "%s: [" GROUP "] %s: %s", path, key, reason);
  return FALSE;
}

static gboolean
read_int (GKeyFile    *file,
          const char  *path,
          const char  *key,
          int          low,
          int          high,
          int         *value,
          GError     **error)
{
  g_autoptr(GError) local = NULL;
  int read;

  if (!g_key_file_has_key (file, GROUP, key, NULL))
    return TRUE;
  read = g_key_file_get_integer (file, GROUP, key, &local);
  if (local != NULL)
    return refuse (error, path, key, "not a whole number");
  if (read < low || read > high)
    {
      g_autofree char *reason = g_strdup_printf ("must be between %d and %d", low, high);
      return refuse (error, path, key, reason);
    }
  *value = read;
  return TRUE;
}

static void
read_string (GKeyFile    *file,
             const char  *key,
             char       **value)
{
  char *read = g_key_file_get_string (file, GROUP, key, NULL);

  if (read != NULL)
    {
      g_strstrip (read);
      g_free (*value);
      *value = *read != '\0' ? read : (g_free (read), NULL);
    }
}

GhPortalConfig *
gh_portal_config_load (const char  *path,
                       GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GhPortalConfig) config = gh_portal_config_new_default ();
  g_autoptr(GError) local = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
                   "%s: %s", path, local->message);
      return NULL;
    }
  if (!g_key_file_has_group (file, GROUP))
    {
      g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
                   "%s: no [" GROUP "] group", path);
      return NULL;
    }
  read_string (file, "address", &config->address);
  read_string (file, "postgres", &config->postgres);
  read_string (file, "bundle-trust", &config->bundle_trust);
  read_string (file, "tls-certificate", &config->tls_certificate);
  read_string (file, "tls-key", &config->tls_key);
  read_string (file, "localedir", &config->localedir);
  read_string (file, "receipt-key", &config->receipt_key);
  read_string (file, "portal-id", &config->portal_id);
  read_string (file, "hq-staff-file", &config->hq_staff_file);
  read_string (file, "hq-report-postgres", &config->hq_report_postgres);
  if (g_key_file_has_key (file, GROUP, "behind-proxy", NULL))
    {
      config->behind_proxy = g_key_file_get_boolean (file, GROUP, "behind-proxy", &local);
      if (local != NULL)
        return refuse (error, path, "behind-proxy", "not true or false"), NULL;
    }
  if (!read_int (file, path, "port", 0, 65535, &config->port, error) ||
      !read_int (file, path, "session-minutes", 1, 120, &config->session_minutes, error) ||
      !read_int (file, path, "session-max-minutes", 1, 24 * 60, &config->session_max_minutes, error) ||
      !read_int (file, path, "pool-size", 1, 64, &config->pool_size, error) ||
      !read_int (file, path, "request-seconds", 1, 120, &config->request_seconds, error) ||
      !read_int (file, path, "max-body-bytes", 1024, 1024 * 1024, &config->max_body_bytes, error) ||
      !read_int (file, path, "code-attempts-per-minute", 1, 1000, &config->code_attempts, error))
    return NULL;

  address = g_inet_address_new_from_string (config->address != NULL ? config->address : "");
  if (address == NULL)
    return refuse (error, path, "address", "not an IP address"), NULL;
  if (config->postgres == NULL)
    return refuse (error, path, "postgres", "missing: HQ's PostgreSQL conninfo"), NULL;
  if (config->bundle_trust == NULL)
    return refuse (error, path, "bundle-trust", "missing: the trust file of HQ's bundle keys"), NULL;
  if (config->portal_id == NULL || !gh_token_kiosk_id_is_valid (config->portal_id))
    return refuse (error, path, "portal-id", "1-32 of A-Z a-z 0-9 . _ - (it goes into tokens)"), NULL;
  /* The report reads tables the portal's own role must not: it needs its own login. */
  if (config->hq_staff_file != NULL && config->hq_report_postgres == NULL)
    return refuse (error, path, "hq-report-postgres",
                   "missing: hq-staff-file needs an analyst login for the fleet report"), NULL;
  if ((config->tls_certificate == NULL) != (config->tls_key == NULL))
    return refuse (error, path, config->tls_key == NULL ? "tls-key" : "tls-certificate",
                   "tls-certificate and tls-key go together"), NULL;
  return g_steal_pointer (&config);
}
