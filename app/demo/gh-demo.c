/* The demo shoppers: the public entry points of the generator, and the plan
 * of one run (dates, seed, retention and purposes from the catalog). Each
 * shopper follows from (seed, today, shopper number) only, so identical
 * arguments give identical rows. The inputs are read in gh-demo-inputs.c, a
 * shopper is built in gh-demo-shopper.c and written in gh-demo-import.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include "demo/gh-demo.h"

#include <sodium.h>
#include <string.h>

#include "demo/gh-demo-private.h"
#include "store/gh-store-private.h"

G_DEFINE_QUARK (gh-demo-error-quark, gh_demo_error)

/* ---- what the demo shoppers hold (docs/config-format.md, "Data items") ---- */

const char *_gh_demo_category_ids[N_CATEGORIES + 1] = {
  "user.name",
  "user.contact.email",
  "user.contact.phone",
  "user.contact.address.postal_code",
  "user.demographic.date_of_birth",
  "user.behavior.purchase_history",
  "user.location.imprecise",
  "user.behavior.browsing_history",
  "user.preference.sizes",
  "user.preference.wishlist",
  "user.preference.communication",
  "user.demographic.profile",
  "user.demographic.household",
  NULL
};

const GhSource _gh_demo_category_sources[N_CATEGORIES] = {
  GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED,
  GH_SOURCE_PROVIDED, GH_SOURCE_OBSERVED, GH_SOURCE_OBSERVED, GH_SOURCE_OBSERVED,
  GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_INFERRED,
  GH_SOURCE_THIRD_PARTY,
};

const char *_gh_demo_department_ids[N_DEPTS] = {
  "running", "outdoor", "womenswear", "menswear", "kids", "home", "beauty", "grocery",
};

const char *_gh_demo_segment_ids[N_SEGMENTS] = {
  "likely_runner", "outdoor_enthusiast", "new_parent", "price_sensitive", "home_maker",
  "beauty_regular", "fashion_follower", "weekly_grocery_shopper", "high_value", "lapsing",
};

const char * const *
gh_demo_get_categories (void)
{
  return _gh_demo_category_ids;
}

static guint64
hash_string (const char *text)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);  /* FNV-1a: stable across GLib versions */

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  return hash;
}

gboolean
gh_demo_check_empty (GhStore  *store,
                     GError  **error)
{
  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  return _gh_demo_store_is_empty (store, error);
}

static int
compare_purpose_id (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const GhDemoPurposePlan *) a)->id, ((const GhDemoPurposePlan *) b)->id);
}

static gboolean
plan_from_catalog (GhDemoPlan *plan,
                   GhCatalog  *catalog,
                   GError    **error)
{
  GListModel *purposes = gh_catalog_get_purposes (catalog);

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      GhDataCategory *category = gh_catalog_find_data_category (catalog, _gh_demo_category_ids[c]);

      if (category == NULL)
        {
          g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_CONFIG,
                       "data_categories: the configuration has no \"%s\", which demo shoppers hold",
                       _gh_demo_category_ids[c]);
          return FALSE;
        }
      /* Retention of at least two days keeps every generated date in the past. */
      plan->retention[c] = MAX (gh_data_category_get_retention_days (category), 2);
    }

  plan->purposes = g_array_new (FALSE, TRUE, sizeof (GhDemoPurposePlan));
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      GhDemoPurposePlan entry;

      entry.id = g_strdup (gh_purpose_get_id (purpose));
      entry.id_hash = hash_string (entry.id);
      entry.basis = gh_purpose_get_legal_basis (purpose);
      entry.default_state = gh_purpose_get_default_state (purpose);
      entry.notice_version = g_strdup (gh_purpose_get_notice_version (purpose));
      g_array_append_val (plan->purposes, entry);
    }
  /* The consent table's key is (customer, purpose id): writing in id order appends. */
  g_array_sort (plan->purposes, compare_purpose_id);
  for (guint c = 0; c < N_CATEGORIES; c++)
    for (guint other = 0; other < N_CATEGORIES; other++)
      plan->category_rank[c] += strcmp (_gh_demo_category_ids[other], _gh_demo_category_ids[c]) < 0;
  return TRUE;
}

static void
plan_clear (GhDemoPlan *plan)
{
  for (guint i = 0; plan->purposes != NULL && i < plan->purposes->len; i++)
    {
      GhDemoPurposePlan *entry = &g_array_index (plan->purposes, GhDemoPurposePlan, i);
      g_free (entry->id);
      g_free (entry->notice_version);
    }
  g_clear_pointer (&plan->purposes, g_array_unref);
  for (guint i = 0; i < N_PINS; i++)
    g_free (plan->pin_hashes[i]);
}

/* Everything a run's shoppers follow from: the inputs, the dates, the seed,
 * and retention and purposes from @catalog. */
static gboolean
plan_init (GhDemoPlan  *plan,
           GhCatalog   *catalog,
           guint        n_customers,
           guint64      seed,
           GDateTime   *today,
           GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) midnight = NULL;

  if ((plan->inputs = _gh_demo_get_inputs (error)) == NULL)
    return FALSE;
  if (today == NULL)
    today = now = g_date_time_new_now_local ();
  midnight = g_date_time_new_utc (g_date_time_get_year (today), g_date_time_get_month (today),
                                  g_date_time_get_day_of_month (today), 0, 0, 0);
  plan->day0 = g_date_time_to_unix (midnight);
  g_date_clear (&plan->today, 1);
  g_date_set_dmy (&plan->today, g_date_time_get_day_of_month (today), g_date_time_get_month (today),
                  g_date_time_get_year (today));
  plan->n_customers = n_customers;
  plan->seed = _gh_demo_mix64 (seed ^ G_GUINT64_CONSTANT (0x67686465));  /* "ghde" */
  plan->ref_key = _gh_demo_mix64 (plan->seed + 1);
  return plan_from_catalog (plan, catalog, error);
}

static gboolean
check_arguments (GhStore    *store,
                 GhCatalog  *catalog,
                 guint       n_customers,
                 GError    **error)
{
  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), FALSE);

  if (n_customers < 1 || n_customers > GH_DEMO_MAX_CUSTOMERS)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "the number of demo shoppers must be between 1 and %d (got %u)",
                   GH_DEMO_MAX_CUSTOMERS, n_customers);
      return FALSE;
    }
  if (_gh_store_in_transaction (store))
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "%s: the demo import needs its own transaction", gh_store_get_path (store));
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

gboolean
gh_demo_generate_full (GhStore        *store,
                       GhCatalog      *catalog,
                       guint           n_customers,
                       guint64         seed,
                       GDateTime      *today,
                       GhDemoSummary  *summary,
                       GError        **error)
{
  GhDemoSummary local_summary;
  gint64 started = g_get_monotonic_time ();
  gboolean ok;
  GhDemoPlan plan = { 0 };

  if (!check_arguments (store, catalog, n_customers, error))
    return FALSE;
  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);

  if (!plan_init (&plan, catalog, n_customers, seed, today, error) ||
      !_gh_demo_store_is_empty (store, error))
    {
      plan_clear (&plan);
      return FALSE;
    }
  ok = _gh_demo_import (store, catalog, &plan, summary, error);
  plan_clear (&plan);
  if (!ok)
    memset (summary, 0, sizeof *summary);
  summary->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  return ok;
}

gboolean
gh_demo_write_feed (GhCatalog      *catalog,
                    guint           n_customers,
                    guint64         seed,
                    GDateTime      *today,
                    const char     *store_id,
                    GOutputStream  *output,
                    GhDemoSummary  *summary,
                    GError        **error)
{
  GhDemoSummary local_summary;
  gint64 started = g_get_monotonic_time ();
  GhDemoPlan plan = { 0 };
  gboolean ok;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);

  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);
  if (n_customers < 1 || n_customers > GH_DEMO_MAX_CUSTOMERS)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "the number of demo shoppers must be between 1 and %d (got %u)",
                   GH_DEMO_MAX_CUSTOMERS, n_customers);
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID, "libsodium could not be initialised");
      return FALSE;
    }
  ok = plan_init (&plan, catalog, n_customers, seed, today, error) &&
       _gh_demo_write_feed (&plan, store_id, output, summary, NULL, error);
  plan_clear (&plan);
  summary->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  return ok;
}

gboolean
gh_demo_generate (GhStore    *store,
                  GhCatalog  *catalog,
                  guint       n_customers,
                  guint64     seed,
                  GDateTime  *today,
                  GError    **error)
{
  return gh_demo_generate_full (store, catalog, n_customers, seed, today, NULL, error);
}

char *
gh_demo_loyalty_id (guint index)
{
  g_return_val_if_fail (index >= 1 && index <= GH_DEMO_MAX_CUSTOMERS, NULL);
  return g_strdup_printf ("%010" G_GUINT64_FORMAT, LOYALTY_BASE + index);
}

char *
gh_demo_pin_for (const char *loyalty_id)
{
  gsize length;

  g_return_val_if_fail (loyalty_id != NULL, NULL);
  length = strlen (loyalty_id);
  g_return_val_if_fail (length >= 4, NULL);
  return g_strdup (loyalty_id + length - 4);
}
