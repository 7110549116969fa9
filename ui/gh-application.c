/* GhApplication: the kiosk process. Parses the command line (--db, --inbox, --trust,
 * --windowed, --demo) and opens the one kiosk window.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-application.h"

#include "config/gh-site-settings.h"
#include "gh-service-notify.h"
#include "gh-window.h"

struct _GhApplication
{
  GtkApplication  parent_instance;

  char           *db_path;
  char           *inbox_dir;
  char           *trust_file;
  gboolean        windowed;
  gboolean        demo;
};

G_DEFINE_FINAL_TYPE (GhApplication, gh_application, GTK_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("The consent store"), N_("PATH") },
  { "inbox", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Folder watched for configuration bundles"),
    N_("DIR") },
  { "trust", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("HQ public keys to trust"), N_("FILE") },
  { "windowed", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run in a window, not fullscreen"), NULL },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Trust the demo signing key"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static int
gh_application_handle_local_options (GApplication *app,
                                     GVariantDict *dict)
{
  GhApplication *self = GH_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  const GhSiteSettings *settings = NULL;

  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("glasshouse %s\n", PACKAGE_VERSION);
      return 0;
    }
  settings = gh_site_settings_get (&error);
  /* A kiosk that cannot read its settings would come up on the wrong store: refuse. */
  if (settings == NULL)
    {
      g_printerr ("glasshouse: error: %s\n", error->message);
      return 2;
    }

  /* The command line first, then the environment, then glasshouse.conf. */
  g_variant_dict_lookup (dict, "db", "^ay", &self->db_path);
  if (self->db_path == NULL)
    self->db_path = g_strdup (g_getenv ("GLASSHOUSE_DB") != NULL ? g_getenv ("GLASSHOUSE_DB")
                              : settings->db_path != NULL ? settings->db_path : "glasshouse.db");
  g_variant_dict_lookup (dict, "inbox", "^ay", &self->inbox_dir);
  if (self->inbox_dir == NULL)
    self->inbox_dir = g_strdup (settings->inbox_dir);
  g_variant_dict_lookup (dict, "trust", "^ay", &self->trust_file);
  if (self->trust_file == NULL)
    self->trust_file = g_strdup (settings->trust_file);
  self->windowed = g_variant_dict_contains (dict, "windowed");
  self->demo = g_variant_dict_contains (dict, "demo");

  return -1;
}

static void
gh_application_activate (GApplication *app)
{
  GhApplication *self = GH_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (gh_window_new (GTK_APPLICATION (self), self->db_path,
                                          self->inbox_dir, self->trust_file, self->demo));
      if (!self->windowed)
        gtk_window_fullscreen (window);
    }

  gtk_window_present (window);
  gh_service_notify_ready ();
}

static void
gh_application_finalize (GObject *object)
{
  GhApplication *self = GH_APPLICATION (object);

  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->inbox_dir, g_free);
  g_clear_pointer (&self->trust_file, g_free);

  G_OBJECT_CLASS (gh_application_parent_class)->finalize (object);
}

static void
gh_application_class_init (GhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = gh_application_finalize;
  app_class->handle_local_options = gh_application_handle_local_options;
  app_class->activate = gh_application_activate;
}

static void
gh_application_init (GhApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

GhApplication *
gh_application_new (void)
{
  return g_object_new (GH_TYPE_APPLICATION,
                       "application-id", "org.glasshouse.Kiosk",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}
