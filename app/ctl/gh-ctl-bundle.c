/* glasshouse-ctl subcommands for HQ configuration bundles: keygen and bundle sign
 * (HQ's side), bundle verify (either side), config apply, status and rollback
 * (the kiosk's side). The work is in gh-bundle.c and gh-config.c; this file
 * parses options and prints.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>

#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"

static gboolean
require_option (const char *value,
                const char *option,
                const char *usage)
{
  if (value != NULL)
    return TRUE;
  fprintf (stderr, "glasshouse-ctl: error: %s is required (usage: glasshouse-ctl %s)\n", option, usage);
  return FALSE;
}

/* The preamble of the commands that check a bundle against HQ's keys: parses
 * --trust PUBFILE and the one BUNDLE argument, and loads the trust file. NULL
 * with *@exit_code set (after printing why) when any of it fails. */
static GhTrust *
parse_with_trust (int          *argc,
                  char       ***argv,
                  const char   *usage,
                  gboolean      with_json,
                  GhCtlCommon  *common,
                  int          *exit_code)
{
  g_autofree char *trust_path = NULL;
  g_autoptr(GError) error = NULL;
  GhTrust *trust;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path, "The trusted HQ public keys", "PUBFILE" },
    { NULL }
  };

  *exit_code = GH_CTL_EXIT_USAGE;
  if (!gh_ctl_parse (argc, argv, usage, entries, with_json, 1, common)
      || !require_option (trust_path, "--trust", usage))
    return NULL;
  if ((trust = gh_trust_new_from_file (trust_path, &error)) == NULL)
    *exit_code = gh_ctl_fail (error);
  return trust;
}

int
gh_ctl_keygen (int    argc,
               char **argv)
{
  static const char *usage = "keygen --out PREFIX [--key-id ID]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *prefix = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &prefix, "Write PREFIX.key and PREFIX.pub", "PREFIX" },
    { "key-id", 0, 0, G_OPTION_ARG_STRING, &key_id, "The key's name in bundles and trust files "
      "(default: the base name of PREFIX)", "ID" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 0, &common)
      || !require_option (prefix, "--out", usage))
    return GH_CTL_EXIT_USAGE;
  if (!gh_bundle_keygen (prefix, key_id, &error))
    return gh_ctl_fail (error);
  base = g_path_get_basename (prefix);
  printf ("wrote %s.key (secret: keep it at HQ) and %s.pub (for kiosks' trust files), key id %s\n",
          prefix, prefix, key_id != NULL ? key_id : base);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_bundle_sign (int    argc,
                    char **argv)
{
  static const char *usage = "bundle sign --key KEY [--unchecked] CONFIG.json";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *key_path = NULL;
  gboolean unchecked = FALSE;
  g_autoptr(GBytes) config = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "HQ's secret key (PREFIX.key from keygen)", "KEY" },
    { "unchecked", 0, 0, G_OPTION_ARG_NONE, &unchecked, "Sign even a config the kiosk would refuse "
      "(to test kiosks' refusals)", NULL },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 1, &common)
      || !require_option (key_path, "--key", usage))
    return GH_CTL_EXIT_USAGE;
  if ((config = gh_file_read_bounded (argv[1], GH_CATALOG_MAX_BYTES, GH_FILE_READ_DEFAULT,
                                      &error)) == NULL)
    return gh_ctl_fail (error);
  /* A config every kiosk would refuse is better caught here, once, than by the fleet.
   * The kiosk checks again all the same: it trusts the key, not the tool. */
  if (!unchecked)
    {
      g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (config, &error);

      if (catalog == NULL)
        {
          g_prefix_error (&error, "%s: not signed: ", argv[1]);
          return gh_ctl_fail (error);
        }
    }
  bundle = gh_bundle_sign (config, key_path, &error);
  if (bundle == NULL)
    return gh_ctl_fail (error);
  fwrite (g_bytes_get_data (bundle, NULL), 1, g_bytes_get_size (bundle), stdout);
  if (fflush (stdout) != 0)
    {
      fprintf (stderr, "glasshouse-ctl: error: cannot write the bundle to standard output\n");
      return GH_CTL_EXIT_STORE;
    }
  return GH_CTL_EXIT_OK;
}

static JsonNode *
catalog_summary (GhCatalog  *catalog,
                 const char *key_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, gh_catalog_get_version (catalog));
  json_builder_set_member_name (builder, "key_id");
  json_builder_add_string_value (builder, key_id);
  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_string_value (builder, gh_catalog_get_issued_at (catalog));
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, gh_catalog_get_expires_at (catalog));
  json_builder_set_member_name (builder, "data_categories");
  json_builder_add_int_value (builder, g_list_model_get_n_items (gh_catalog_get_data_categories (catalog)));
  json_builder_set_member_name (builder, "purposes");
  json_builder_add_int_value (builder, g_list_model_get_n_items (gh_catalog_get_purposes (catalog)));
  json_builder_set_member_name (builder, "offers");
  json_builder_add_int_value (builder, g_list_model_get_n_items (gh_catalog_get_offers (catalog)));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
gh_ctl_bundle_verify (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GhBundle) bundle = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  trust = parse_with_trust (&argc, &argv, "bundle verify --trust PUBFILE BUNDLE [--json]", TRUE,
                            &common, &exit_code);
  if (trust == NULL)
    return exit_code;
  if ((bytes = gh_bundle_read_file (argv[1], GH_FILE_READ_DEFAULT, &error)) == NULL
      || (bundle = gh_bundle_open (bytes, trust, &error)) == NULL
      || (catalog = gh_catalog_new_from_bytes (gh_bundle_get_payload (bundle), &error)) == NULL)
    return gh_ctl_fail (error);
  /* Version and store depend on the kiosk (config apply checks them); expiry does not. */
  if (gh_catalog_get_expires_unix (catalog) <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error (&error, GH_CONFIG_ERROR, GH_CONFIG_ERROR_EXPIRED,
                   "expires_at: the config expired at %s", gh_catalog_get_expires_at (catalog));
      return gh_ctl_fail (error);
    }

  if (common.json)
    {
      g_autoptr(JsonNode) node = catalog_summary (catalog, gh_bundle_get_key_id (bundle));
      gh_ctl_print_json (node);
    }
  else
    printf ("bundle ok: config version %" G_GINT64_FORMAT ", signed by key %s, %u data categories, "
            "%u purposes, %u offers, expires %s\n",
            gh_catalog_get_version (catalog), gh_bundle_get_key_id (bundle),
            g_list_model_get_n_items (gh_catalog_get_data_categories (catalog)),
            g_list_model_get_n_items (gh_catalog_get_purposes (catalog)),
            g_list_model_get_n_items (gh_catalog_get_offers (catalog)),
            gh_catalog_get_expires_at (catalog));
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_config_apply (int    argc,
                     char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  trust = parse_with_trust (&argc, &argv, "config apply --trust PUBFILE BUNDLE", FALSE, &common,
                            &exit_code);
  if (trust == NULL)
    return exit_code;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL
      || (catalog = gh_config_apply_file (store, argv[1], trust, GH_FILE_READ_DEFAULT,
                                          &error)) == NULL)
    return gh_ctl_fail (error);
  printf ("applied config version %" G_GINT64_FORMAT " (%u offers), expires %s\n",
          gh_catalog_get_version (catalog),
          g_list_model_get_n_items (gh_catalog_get_offers (catalog)),
          gh_catalog_get_expires_at (catalog));
  return GH_CTL_EXIT_OK;
}

static JsonNode *
status_to_json (const GhConfigStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  if (status->version > 0)
    json_builder_add_int_value (builder, status->version);
  else
    json_builder_add_null_value (builder);
  gh_json_add_string (builder, "issued_at", status->issued_at);
  gh_json_add_string (builder, "applied_at", status->applied_at);
  gh_json_add_string (builder, "expires_at", status->expires_at);
  gh_json_add_string (builder, "key_id", status->key_id);
  json_builder_set_member_name (builder, "highest_version");
  json_builder_add_int_value (builder, status->highest_version);
  json_builder_set_member_name (builder, "previous_version");
  if (status->previous_version > 0)
    json_builder_add_int_value (builder, status->previous_version);
  else
    json_builder_add_null_value (builder);
  gh_json_add_string (builder, "store_id", status->store_id);
  json_builder_set_member_name (builder, "last_rejection");
  if (status->rejected_at != NULL)
    {
      json_builder_begin_object (builder);
      gh_json_add_string (builder, "at", status->rejected_at);
      gh_json_add_string (builder, "path", status->rejected_path);
      gh_json_add_string (builder, "reason", status->rejected_reason);
      gh_json_add_string (builder, "source", status->rejected_source);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

int
gh_ctl_config_status (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhConfigStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  if (!gh_ctl_parse (&argc, &argv, "config status [--json]", NULL, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL
      || (status = gh_config_get_status (store, &error)) == NULL)
    return gh_ctl_fail (error);

  if (common.json)
    {
      g_autoptr(JsonNode) node = status_to_json (status);
      gh_ctl_print_json (node);
      return GH_CTL_EXIT_OK;
    }

  if (status->version > 0)
    {
      printf ("version:     %" G_GINT64_FORMAT "\n", status->version);
      printf ("issued:      %s\n", status->issued_at != NULL ? status->issued_at : "?");
      printf ("applied:     %s\n", status->applied_at != NULL ? status->applied_at : "?");
      printf ("expires:     %s\n", status->expires_at != NULL ? status->expires_at : "?");
      printf ("key:         %s\n", status->key_id != NULL ? status->key_id : "?");
    }
  else
    printf ("version:     none (no configuration applied)\n");
  printf ("highest:     %" G_GINT64_FORMAT " (a new bundle must be above this)\n", status->highest_version);
  if (status->previous_version > 0)
    printf ("rollback to: %" G_GINT64_FORMAT "\n", status->previous_version);
  printf ("store:       %s\n", status->store_id != NULL ? status->store_id : "any");
  if (status->rejected_at != NULL)
    printf ("last refused: %s: %s: %s%s%s%s\n", status->rejected_at,
            status->rejected_path != NULL ? status->rejected_path : "?",
            status->rejected_reason != NULL ? status->rejected_reason : "?",
            status->rejected_source != NULL ? " (" : "",
            status->rejected_source != NULL ? status->rejected_source : "",
            status->rejected_source != NULL ? ")" : "");
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_config_rollback (int    argc,
                        char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;

  if (!gh_ctl_parse (&argc, &argv, "config rollback", NULL, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL
      || (catalog = gh_config_rollback (store, &error)) == NULL)
    return gh_ctl_fail (error);
  printf ("rolled back to config version %" G_GINT64_FORMAT "\n", gh_catalog_get_version (catalog));
  return GH_CTL_EXIT_OK;
}
