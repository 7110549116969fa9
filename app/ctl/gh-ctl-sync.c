/* glasshouse-ctl subcommands of the fleet: sync (one round, what glasshouse-sync.timer runs
 * every minute), and HQ's side: hq publish, hq kiosk approve, hq status --fleet.
 *
 * Exit codes as for outbox push: 0 done (or backing off), 2 usage, 3 HQ refused or is not
 * set up, or the input (a bundle file) is refused, 4 the kiosk's own store.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "config/gh-site-settings.h"
#include "config/gh-bundle.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-hq.h"
#include "hq/gh-hq-sync.h"

static void
print_sync_json (GhStore              *store,
                 const GhHqSyncResult *result,
                 gint64                pending)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  struct { const char *name; gint64 value; } numbers[] = {
    { "pushed", result->push.sent }, { "push_skipped", result->push.skipped },
    { "settled_change_no", result->settled }, { "staged", result->staged },
    { "bundles_applied", result->bundles_applied }, { "bundles_refused", result->bundles_refused },
    { "bundles_to_inbox", result->bundles_to_inbox },
    { "decisions_applied", result->applied.decisions },
    { "erasures_applied", result->applied.erasures },
    { "member_lines_applied", result->applied.members },
    { "member_lines_refused", result->applied.refused },
    { "ignored", result->applied.ignored }, { "pending", pending },
  };

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "kiosk_id", gh_store_get_kiosk_id (store));
  json_builder_set_member_name (builder, "approved");
  json_builder_add_boolean_value (builder, result->approved);
  json_builder_set_member_name (builder, "deferred_for_visit");
  json_builder_add_boolean_value (builder, result->deferred);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      json_builder_set_member_name (builder, numbers[i].name);
      json_builder_add_int_value (builder, numbers[i].value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  gh_ctl_print_json (root);
}

int
gh_ctl_sync (int    argc,
             char **argv)
{
  const char *usage = "sync --postgres CONNINFO [--trust PUBFILE] [--inbox DIR] [--batch N] "
                      "[--backoff-state FILE] [--json]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *backoff_path = NULL;
  g_autofree char *why = NULL;
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  GhHqSyncOptions options = { 0 };
  GhHqSyncResult result = { 0 };
  const char *conninfo;
  int batch = GH_HQ_DEFAULT_BATCH;
  gint64 pending;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "The kiosk's trusted HQ keys: bundles are pulled only with it", "PUBFILE" },
    { "inbox", 0, 0, G_OPTION_ARG_FILENAME, &inbox,
      "The running kiosk's inbox (default: \"inbox\" beside the store)", "DIR" },
    GH_CTL_HQ_BATCH_OPTION (batch),
    GH_CTL_HQ_BACKOFF_OPTION (backoff_path),
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (!gh_ctl_hq_batch_is_valid (batch))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  /* The kiosk's own trust file and inbox, as glasshouse.conf names them for the kiosk. */
  {
    const GhSiteSettings *settings = gh_site_settings_get (&error);

    if (settings == NULL)
      return gh_ctl_fail (error);
    if (trust_path == NULL)
      trust_path = g_strdup (settings->trust_file);
    if (inbox == NULL)
      inbox = g_strdup (settings->inbox_dir);
  }
  if (trust_path != NULL && (trust = gh_trust_new_from_file (trust_path, &error)) == NULL)
    return gh_ctl_fail (error);
  if (backoff_path != NULL && gh_ctl_hq_backoff_in_force (backoff_path, &why))
    {
      printf ("not syncing: %s\n", why);
      return GH_CTL_EXIT_OK;
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL)
    return gh_ctl_fail (error);
  options.trust = trust;
  options.inbox_dir = inbox;
  options.batch = batch;
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL
      || !gh_hq_sync (hq, store, &options, &result, &error))
    {
      if (hq == NULL)
        gh_hq_sync_note_error (store, error);
      return gh_ctl_hq_fail_backing_off (backoff_path, error);
    }
  if (backoff_path != NULL)
    g_remove (backoff_path);

  pending = MAX (gh_fleet_pending_count (store, NULL), 0);
  if (common.json)
    {
      print_sync_json (store, &result, pending);
      return GH_CTL_EXIT_OK;
    }
  printf ("synced with HQ %s: pushed %" G_GINT64_FORMAT " event%s (%" G_GINT64_FORMAT
          " HQ had already); pulled up to change %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT
          " staged, %u decision%s, %u erasure%s, %u member line%s (%u refused) applied, %u "
          "bundle%s applied, %u refused, %u to the kiosk's inbox; %" G_GINT64_FORMAT
          " waiting%s; kiosk %s\n",
          gh_hq_get_target (hq), result.push.sent, result.push.sent == 1 ? "" : "s",
          result.push.skipped, result.settled, result.staged,
          result.applied.decisions, result.applied.decisions == 1 ? "" : "s",
          result.applied.erasures, result.applied.erasures == 1 ? "" : "s",
          result.applied.members, result.applied.members == 1 ? "" : "s", result.applied.refused,
          result.bundles_applied, result.bundles_applied == 1 ? "" : "s", result.bundles_refused,
          result.bundles_to_inbox, pending,
          result.deferred ? " for the shopper's visit to end" : "",
          result.approved ? "approved" : "waiting for approval (glasshouse-ctl hq kiosk approve)");
  if (trust == NULL)
    printf ("bundles not pulled: no --trust PUBFILE given\n");
  return GH_CTL_EXIT_OK;
}

/* Store ids as bundles and feeds write them; checked here so the array needs no quoting. */
static gboolean
store_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._:-", *p) == NULL)
      return FALSE;
  return TRUE;
}

int
gh_ctl_hq_publish (int    argc,
                   char **argv)
{
  const char *usage = "hq publish --postgres CONNINFO BUNDLE [--stores S1,S2]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autofree char *stores_option = NULL;
  g_auto(GStrv) stores = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  const char *conninfo;
  gint64 change_no, version = 0;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { "stores", 0, 0, G_OPTION_ARG_STRING, &stores_option,
      "Only the kiosks of these stores, comma-separated (default: every store)", "S1,S2" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if (stores_option != NULL)
    {
      stores = g_strsplit (stores_option, ",", -1);
      for (guint i = 0; stores[i] != NULL || i == 0; i++)
        if (!store_id_is_valid (stores[i]))
          {
            fprintf (stderr, "glasshouse-ctl: error: --stores: store %u is not a store id "
                     "(1-64 of A-Z a-z 0-9 . _ : -)\n", i + 1);
            return GH_CTL_EXIT_USAGE;
          }
    }
  if ((bundle = gh_bundle_read_file (argv[1], GH_FILE_READ_DEFAULT, &error)) == NULL)
    return gh_ctl_fail (error);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL)
    return gh_ctl_hq_fail (error);
  change_no = gh_hq_publish_bundle (hq, bundle, (const char * const *) stores, &version, &error);
  if (change_no < 0)
    {
      if (error->domain == GH_HQ_ERROR && error->code == GH_HQ_ERROR_FAILED
          && g_str_has_prefix (error->message, "bundle"))
        g_prefix_error (&error, "%s: ", argv[1]);
      return gh_ctl_hq_fail (error);
    }
  printf ("published config version %" G_GINT64_FORMAT " for %s as HQ change %" G_GINT64_FORMAT
          "; kiosks verify it with their own trust file\n", version,
          stores_option != NULL ? stores_option : "every store", change_no);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_hq_kiosk (int    argc,
                 char **argv)
{
  const char *usage = "hq kiosk approve ID --postgres CONNINFO";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  const char *conninfo;
  int approved;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 2, &common))
    return GH_CTL_EXIT_USAGE;
  if (g_strcmp0 (argv[1], "approve") != 0)
    {
      fprintf (stderr, "glasshouse-ctl: error: hq kiosk: unknown action \"%s\" "
               "(usage: glasshouse-ctl %s)\n", argv[1], usage);
      return GH_CTL_EXIT_USAGE;
    }
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL
      || (approved = gh_hq_approve_kiosk (hq, argv[2], &error)) < 0)
    return gh_ctl_hq_fail (error);
  if (approved == 0)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "HQ %s has no key of kiosk \"%s\" waiting for approval (a kiosk registers "
                   "on its first sync)", gh_hq_get_target (hq), argv[2]);
      return gh_ctl_fail (error);
    }
  printf ("approved %d key%s of kiosk %s\n", approved, approved == 1 ? "" : "s", argv[2]);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_hq_status_fleet (const char *conninfo,
                        gboolean    json,
                        int         silent_minutes)
{
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GPtrArray) kiosks = NULL;
  g_autoptr(GError) error = NULL;
  guint silent = 0;

  if ((hq = gh_hq_connect (conninfo, &error)) == NULL
      || (kiosks = gh_hq_fleet_status (hq, &error)) == NULL)
    return gh_ctl_hq_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < kiosks->len; i++)
        {
          const GhHqKioskHealth *k = g_ptr_array_index (kiosks, i);

          json_builder_begin_object (builder);
          gh_json_add_string (builder, "kiosk_id", k->kiosk_id);
          gh_json_add_string (builder, "store_id", k->store_id);
          gh_json_add_string (builder, "last_heartbeat", k->last_heartbeat);
          json_builder_set_member_name (builder, "silent");
          json_builder_add_boolean_value (builder, k->silent_minutes < 0
                                                   || k->silent_minutes >= silent_minutes);
          json_builder_set_member_name (builder, "silent_minutes");
          json_builder_add_int_value (builder, k->silent_minutes);
          json_builder_set_member_name (builder, "approved");
          json_builder_add_boolean_value (builder, k->approved);
          gh_json_add_string (builder, "software_version", k->software_version);
          json_builder_set_member_name (builder, "config_version");
          json_builder_add_int_value (builder, k->config_version);
          json_builder_set_member_name (builder, "outbox_backlog");
          json_builder_add_int_value (builder, k->outbox_backlog);
          gh_json_add_string (builder, "last_refused_bundle", k->last_refused_bundle);
          gh_json_add_string (builder, "last_error", k->last_error);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      gh_ctl_print_json (root);
      return GH_CTL_EXIT_OK;
    }
  for (guint i = 0; i < kiosks->len; i++)
    {
      const GhHqKioskHealth *k = g_ptr_array_index (kiosks, i);

      if (k->silent_minutes >= 0 && k->silent_minutes < silent_minutes)
        continue;
      silent++;
      printf ("%s (store %s): %s%s\n", k->kiosk_id, k->store_id != NULL ? k->store_id : "none",
              k->last_heartbeat != NULL ? "silent since " : "never sent a heartbeat",
              k->last_heartbeat != NULL ? k->last_heartbeat : "");
    }
  printf ("%u of %u kiosk%s silent for %d minutes or more\n", silent, kiosks->len,
          kiosks->len == 1 ? "" : "s", silent_minutes);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_hq_retention (int    argc,
                     char **argv)
{
  const char *usage = "hq retention --postgres CONNINFO --keep-months N";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dropped = NULL;
  const char *conninfo;
  int months = 0, proof_days = 0;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { "keep-months", 0, 0, G_OPTION_ARG_INT, &months,
      "Keep the events of the last N months (the audit trail's period)", "N" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (months < 1 || months > 1200)
    {
      fprintf (stderr, "glasshouse-ctl: error: --keep-months must be between 1 and 1200 "
               "(usage: glasshouse-ctl %s)\n", usage);
      return GH_CTL_EXIT_USAGE;
    }
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL
      || (dropped = gh_hq_drop_event_partitions (hq, months, &proof_days, &error)) == NULL)
    return gh_ctl_hq_fail (error);
  if (common.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dropped");
      json_builder_begin_array (builder);
      for (guint i = 0; i < dropped->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (dropped, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "consent_proof_days");
      if (proof_days > 0)
        json_builder_add_int_value (builder, proof_days);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      gh_ctl_print_json (root);
      return GH_CTL_EXIT_OK;
    }
  for (guint i = 0; i < dropped->len; i++)
    printf ("dropped %s\n", (const char *) g_ptr_array_index (dropped, i));
  printf ("%u event partition%s older than %d months dropped; decisions, erasures and "
          "receipts are kept\n", dropped->len, dropped->len == 1 ? "" : "s", months);
  if (proof_days > 0)
    printf ("the configs HQ published keep consent proofs for %d days: no month of events "
            "within them is dropped\n", proof_days);
  return GH_CTL_EXIT_OK;
}
