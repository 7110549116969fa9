/* The site's own settings: /etc/glasshouse/glasshouse.conf, read by the kiosk,
 * glasshouse-ctl and the timers alike.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GH_SITE_SETTINGS_ERROR (gh_site_settings_error_quark ())
GQuark gh_site_settings_error_quark (void);

typedef enum {
  GH_SITE_SETTINGS_ERROR_INVALID,  /* not a key file, an unknown group or key, a bad value */
  GH_SITE_SETTINGS_ERROR_UNREADABLE,
} GhSiteSettingsError;

/* What the file says; NULL for what it leaves out. Every program takes a command-line
 * option first, then its environment variable ($GLASSHOUSE_DB), then this file, then
 * its built-in default. */
typedef struct {
  char *path;                /* the file read; NULL when there is none */
  char *db_path;             /* [kiosk] db */
  char *inbox_dir;           /* [kiosk] inbox */
  char *trust_file;          /* [kiosk] trust */
  char *portal_url;          /* [kiosk] portal-url: overrides the config's kiosk.portal_url */
  char *hq_connection_file;  /* [hq] connection-file: holds the libpq connection string */
} GhSiteSettings;

/* The settings file of this process: $GLASSHOUSE_CONF when set (empty: none at all), else
 * SYSCONFDIR/glasshouse/glasshouse.conf. A missing file is no settings; an unreadable or
 * invalid one is an error naming the file (and the line or key). Read once, then cached. */
const GhSiteSettings *gh_site_settings_get   (GError             **error);
/* Reads @path (for tests and `glasshouse-ctl health`). */
GhSiteSettings       *gh_site_settings_load  (const char          *path,
                                              GError             **error);
void                  gh_site_settings_free  (GhSiteSettings      *settings);
/* The connection string in [hq] connection-file, or NULL with @error set (no setting, an
 * unreadable file, a file others may read: it holds a password). */
char                 *gh_site_settings_read_hq_conninfo (const GhSiteSettings *settings,
                                                         GError              **error);

/* The meson build folder the running program was built in, when it runs from one (found
 * from /proc/self/exe, never compiled in: an installed program holds no build path);
 * NULL for an installed program. */
const char           *gh_site_build_dir      (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSiteSettings, gh_site_settings_free)

G_END_DECLS
