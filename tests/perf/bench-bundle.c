/* Benchmark: what taking a large HQ bundle costs a kiosk. A config with 5,000
 * offers and 300 data categories is signed, then verified, parsed, validated and
 * applied (one durable transaction) again and again, each time as a new version;
 * the floor is json-glib parsing the same config bytes and nothing else,
 * measured in the same run, interleaved, so machine load affects both alike.
 * Target: full apply under 4x the floor. GLASSHOUSE_BENCH_ROUNDS changes the count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "config/gh-config.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

#define N_OFFERS     5000
#define N_CATEGORIES 300

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *samples,
               double  p)
{
  guint index;

  g_array_sort (samples, compare_gint64);
  index = MIN (samples->len - 1, (guint) (p * (samples->len - 1) + 0.5));
  return g_array_index (samples, gint64, index) / 1000.0;
}

static void
report (const char *what,
        GArray     *samples,
        double      floor_p50)
{
  double p50 = percentile_ms (samples, 0.50);
  double p99 = percentile_ms (samples, 0.99);

  printf ("# %-34s p50 %8.2f ms  p99 %8.2f ms  %5.2fx floor\n", what, p50, p99, p50 / floor_p50);
}

int
main (int    argc,
      char **argv)
{
  const char *rounds_env = g_getenv ("GLASSHOUSE_BENCH_ROUNDS");
  guint rounds = rounds_env != NULL ? (guint) atoi (rounds_env) : 15;
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhTrust) trust = gh_trust_new ();
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GArray) floor = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) verify = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) validate = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) apply = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint8 public_key[crypto_sign_PUBLICKEYBYTES], secret_key[crypto_sign_SECRETKEYBYTES];
  double floor_p50, ratio;

  if (sodium_init () < 0)
    return 1;
  crypto_sign_keypair (public_key, secret_key);
  gh_trust_add_key (trust, "bench", public_key, &error);
  g_assert_no_error (error);
  store = gh_store_open (db, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *config = gh_test_bundle_big_config (i + 1, N_CATEGORIES, N_OFFERS);
      g_autoptr(GBytes) bytes = g_bytes_new (config, strlen (config));

      if (payload == NULL)
        payload = g_bytes_ref (bytes);
      g_ptr_array_add (bundles, gh_bundle_sign_with_key (bytes, "bench", secret_key, &error));
      g_assert_no_error (error);
    }
  printf ("1..1\n# config %" G_GSIZE_FORMAT " bytes, bundle %" G_GSIZE_FORMAT " bytes, %d offers, "
          "%d categories, %u rounds\n", g_bytes_get_size (payload),
          g_bytes_get_size (g_ptr_array_index (bundles, 0)), N_OFFERS, N_CATEGORIES, rounds);

  for (guint i = 0; i < rounds; i++)
    {
      GBytes *bundle = g_ptr_array_index (bundles, i);
      gint64 start, elapsed;

      /* The floor: json-glib's bare parse of the config bytes. */
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        gsize length;
        const char *data = g_bytes_get_data (payload, &length);

        start = g_get_monotonic_time ();
        g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
        elapsed = g_get_monotonic_time () - start;
        g_array_append_val (floor, elapsed);
      }
      /* The stages on their own, for the report. */
      {
        g_autoptr(GhBundle) opened = NULL;
        g_autoptr(GhCatalog) catalog = NULL;

        start = g_get_monotonic_time ();
        opened = gh_bundle_open (bundle, trust, &error);
        elapsed = g_get_monotonic_time () - start;
        g_assert_no_error (error);
        g_array_append_val (verify, elapsed);

        start = g_get_monotonic_time ();
        catalog = gh_catalog_new_from_bytes (gh_bundle_get_payload (opened), &error);
        elapsed = g_get_monotonic_time () - start;
        g_assert_no_error (error);
        g_array_append_val (validate, elapsed);
      }
      /* The whole thing: verify + parse + validate + apply, committed. */
      {
        g_autoptr(GhCatalog) catalog = NULL;

        start = g_get_monotonic_time ();
        catalog = gh_config_apply (store, bundle, trust, NULL, &error);
        elapsed = g_get_monotonic_time () - start;
        g_assert_no_error (error);
        g_assert_cmpint (gh_catalog_get_version (catalog), ==, i + 1);
        g_array_append_val (apply, elapsed);
      }
    }

  floor_p50 = percentile_ms (floor, 0.50);
  report ("floor: json-glib parse of config", floor, floor_p50);
  report ("verify (envelope + Ed25519)", verify, floor_p50);
  report ("parse + validate (GhCatalog)", validate, floor_p50);
  report ("verify + parse + validate + apply", apply, floor_p50);
  ratio = percentile_ms (apply, 0.50) / floor_p50;
  printf ("%s 1 - full apply is %.2fx the floor (target < 4x)\n", ratio < 4.0 ? "ok" : "not ok", ratio);

  sodium_memzero (secret_key, sizeof secret_key);
  g_clear_object (&store);
  gh_test_rmdir (dir);
  return 0;
}
