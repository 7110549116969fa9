/* glasshouse-ctl demo: a store full of believable demo shoppers. Creates the
 * store if needed, applies the signed demo config through the real bundle path,
 * then writes the shoppers (app/gh-demo.c). Refuses a store that already has
 * shoppers, before it changes anything.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>

#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "demo/gh-demo.h"
#include "receipts/gh-kiosk-keys.h"

#define USAGE "demo --customers N [--seed S] [--today YYYY-MM-DD] [--write-feed FILE]"

static GDateTime *
parse_today (const char *text)
{
  g_autofree char *iso = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *round_trip = NULL;

  if (strlen (text) != 10)
    return NULL;
  iso = g_strdup_printf ("%sT12:00:00Z", text);
  parsed = g_date_time_new_from_iso8601 (iso, NULL);
  if (parsed == NULL)
    return NULL;
  /* GDateTime accepts a few things that are not a calendar date as written. */
  round_trip = g_date_time_format (parsed, "%Y-%m-%d");
  if (!g_str_equal (round_trip, text))
    return NULL;
  return g_steal_pointer (&parsed);
}

static int
usage_error (const char *message)
{
  fprintf (stderr, "glasshouse-ctl: error: %s (usage: glasshouse-ctl " USAGE ")\n", message);
  return GH_CTL_EXIT_USAGE;
}

/* demo --write-feed: the feed follows the store's config (the demo config when the
 * store has none yet), and its members belong to the store's own store id. */
static int
write_feed (GhCtlCommon *common,
            const char  *path,
            guint        customers,
            guint64      seed,
            GDateTime   *today)
{
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) output = NULL;
  g_autofree char *store_id = NULL;
  GhDemoSummary summary;

  if ((store = gh_ctl_open_store (common, TRUE, &error)) == NULL)
    return gh_ctl_fail (error);
  if ((catalog = gh_catalog_load_active (store, &error)) == NULL &&
      g_error_matches (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE))
    {
      g_clear_error (&error);
      if (gh_config_apply_demo (store, &error))
        catalog = gh_catalog_load_active (store, &error);
    }
  if (catalog == NULL)
    return gh_ctl_fail (error);
  store_id = gh_store_get_meta (store, "store_id");
  if ((output = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error)) == NULL ||
      !gh_demo_write_feed (catalog, customers, seed, today, store_id, G_OUTPUT_STREAM (output),
                           &summary, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (output), NULL, &error))
    {
      g_prefix_error (&error, "%s: ", path);
      return gh_ctl_fail (error);
    }
  printf ("%s: a member feed of %u demo shoppers, %" G_GUINT64_FORMAT " data items, %"
          G_GUINT64_FORMAT " consents, in %.1f s\n", path, summary.customers, summary.data_items,
          summary.consents, summary.seconds);
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_demo (int    argc,
             char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today_text = NULL;
  g_autofree char *feed_path = NULL;
  g_autofree char *day = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  gint64 customers = 0, seed = 1;
  GhDemoSummary summary;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT64, &customers, "How many shoppers", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Which shoppers: the same seed gives the same ones (default 1)", "S" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today_text,
      "The date the shoppers' histories end (default: today)", "YYYY-MM-DD" },
    { "write-feed", 0, 0, G_OPTION_ARG_FILENAME, &feed_path,
      "Write the shoppers as a member feed (docs/member-feed.md) instead of importing them",
      "FILE" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, USAGE, entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (customers < 1 || customers > GH_DEMO_MAX_CUSTOMERS)
    {
      g_autofree char *message = g_strdup_printf ("--customers must be between 1 and %d",
                                                  GH_DEMO_MAX_CUSTOMERS);
      return usage_error (message);
    }
  if (seed < 0)
    return usage_error ("--seed must not be negative");
  if (today_text != NULL && (today = parse_today (today_text)) == NULL)
    return usage_error ("--today must be a date written YYYY-MM-DD");
  if (today == NULL)
    today = g_date_time_new_now_local ();

  /* A demo store is a whole kiosk, as `init` makes one: with the key that signs
   * its receipts, or the follow-up screen would have nothing to sign with. */
  if (feed_path != NULL)
    return write_feed (&common, feed_path, (guint) customers, (guint64) seed, today);
  if ((store = gh_ctl_open_store (&common, TRUE, &error)) == NULL ||
      !gh_kiosk_keys_ensure (store, &error) ||
      !gh_demo_check_empty (store, &error) ||
      !gh_config_apply_demo (store, &error) ||
      (catalog = gh_catalog_load_active (store, &error)) == NULL ||
      !gh_demo_generate_full (store, catalog, (guint) customers, (guint64) seed, today, &summary,
                              &error))
    return gh_ctl_fail (error);

  day = g_date_time_format (today, "%Y-%m-%d");
  first = gh_demo_loyalty_id (1);
  last = gh_demo_loyalty_id ((guint) customers);
  printf ("%s: %u demo shoppers, %" G_GUINT64_FORMAT " data items, %" G_GUINT64_FORMAT
          " consents in %.1f s (seed %" G_GINT64_FORMAT ", today %s, config version %"
          G_GINT64_FORMAT ")\n",
          gh_store_get_path (store), summary.customers, summary.data_items, summary.consents,
          summary.seconds, seed, day, gh_catalog_get_version (catalog));
  if (summary.suppressed > 0)
    printf ("left out %u shopper%s who asked to be forgotten\n", summary.suppressed,
            summary.suppressed == 1 ? "" : "s");
  printf ("loyalty numbers %s to %s; each PIN is the last four digits of the loyalty number"
          " (data/demo/README.md)\n", first, last);
  return GH_CTL_EXIT_OK;
}
