/* glasshouse-ctl demo: a store full of believable demo shoppers. Creates the
 * store if needed, applies the signed demo config through the real bundle path,
 * then writes the shoppers (app/gh-demo.c). Refuses a store that already has
 * shoppers, before it changes anything.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "demo/gh-demo.h"
#include "receipts/gh-kiosk-keys.h"

#define USAGE "demo --customers N [--seed S] [--today YYYY-MM-DD]"

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
