/* glasshouse-ctl subcommands around PINs: staff clearing a shopper's lockout
 * (the same call the kiosk's staff mode makes) and hashing a PIN for HQ's
 * config (staff[].pin_hash), read from stdin so it never lands in a shell history.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "config/gh-catalog.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"

int
gh_ctl_lockout_clear (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *staff_id = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "staff", 0, 0, G_OPTION_ARG_STRING, &staff_id, "The staff member who checked identity", "ID" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "lockout clear LOYALTY_ID --staff ID", entries, FALSE, 1,
                     &common))
    return GH_CTL_EXIT_USAGE;
  if (staff_id == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: --staff ID is required: clearing a lockout is a"
                       " staff action (usage: glasshouse-ctl lockout clear LOYALTY_ID --staff ID)\n");
      return GH_CTL_EXIT_USAGE;
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (catalog = gh_catalog_load_active (store, &error)) == NULL)
    return gh_ctl_fail (error);
  /* Accountability: the actor must be someone HQ knows. */
  if (gh_catalog_find_staff (catalog, staff_id) == NULL)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "lockout clear: no staff member \"%s\" in the active configuration (version %"
                   G_GINT64_FORMAT ")", staff_id, gh_catalog_get_version (catalog));
      return gh_ctl_fail (error);
    }
  if (!gh_auth_clear_lockout (store, argv[1], staff_id, NULL, &error))
    return gh_ctl_fail (error);
  printf ("lockout cleared by staff:%s\n", staff_id);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_pin_hash (int    argc,
                 char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *hash = NULL;
  char pin[258];
  gsize length;
  gboolean passphrase = FALSE;
  GOptionEntry entries[] = {
    /* HQ staff sign in to the portal's fleet report with a passphrase, not a kiosk PIN. */
    { "passphrase", 0, 0, G_OPTION_ARG_NONE, &passphrase,
      "Hash a passphrase of 10 to 256 characters (hq-staff-file) rather than a PIN", NULL },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "pin hash [--passphrase] < PIN", entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (fgets (pin, sizeof pin, stdin) == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: pin hash: no PIN on standard input\n");
      return GH_CTL_EXIT_USAGE;
    }
  length = strcspn (pin, "\r\n");
  pin[length] = '\0';
  if (passphrase && (length < 10 || length > 256))
    {
      sodium_memzero (pin, sizeof pin);
      fprintf (stderr, "glasshouse-ctl: error: pin hash: a passphrase is 10 to 256 characters\n");
      return GH_CTL_EXIT_REJECTED;
    }
  if (!passphrase && (length < 4 || length > 12 || strspn (pin, "0123456789") != length))
    {
      sodium_memzero (pin, sizeof pin);
      fprintf (stderr, "glasshouse-ctl: error: pin hash: a PIN is 4 to 12 digits\n");
      return GH_CTL_EXIT_REJECTED;
    }
  hash = gh_auth_hash_pin (pin);
  sodium_memzero (pin, sizeof pin);
  if (hash == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: pin hash: out of memory for argon2id\n");
      return GH_CTL_EXIT_STORE;
    }
  printf ("%s\n", hash);
  return GH_CTL_EXIT_OK;
}
