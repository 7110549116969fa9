/* A kiosk can lose power in the middle of applying a bundle. This test starts
 * `glasshouse-ctl config apply` on a large bundle again and again and SIGKILLs it
 * at a random moment; afterwards exactly the old or the new config must be in
 * force, with everything that goes with it (the highest version, the
 * config.applied event), never a mix, and the database must pass integrity_check.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/gh-config.h"
#include "store/gh-store-private.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

#define ROUNDS 30

static GPid
spawn_apply (const char *db,
             const char *trust,
             const char *bundle)
{
  const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "config", "apply", "--db", db, "--trust", trust,
                         bundle, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

static int
wait_for (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

static gint64
count_applied (GhStore *store,
               gint64   version)
{
  g_autofree char *pattern = g_strdup_printf ("{\"version\":%" G_GINT64_FORMAT ",%%", version);

  return gh_test_store_int (store,
      "SELECT count(*) FROM event WHERE kind = 'config.applied' AND body LIKE ?1", pattern);
}

static void
assert_consistent (const char *db,
                   gint64      old_version,
                   gint64      new_version,
                   gint64     *now_active)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db, GH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(GhCatalog) catalog = NULL;
  sqlite3_stmt *stmt;
  gint64 active = 0;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, "PRAGMA integrity_check", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_reset (stmt);

  /* Exactly one active row, and it parses into the whole config. */
  stmt = _gh_store_prepare (store, "SELECT count(*) FROM config WHERE active = 1", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_reset (stmt);
  catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  active = gh_catalog_get_version (catalog);
  g_assert_true (active == old_version || active == new_version);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_offers (catalog)), ==, 2000);

  /* What goes with the active config went with it, and nothing of the other. */
  g_assert_cmpint (gh_config_get_highest_version (store, &error), ==, active);
  g_assert_cmpint (count_applied (store, new_version), ==, active == new_version ? 1 : 0);
  g_assert_cmpint (count_applied (store, old_version), ==, 1);
  g_assert_true (gh_store_verify_chain (store, NULL, NULL, &error));
  g_assert_no_error (error);
  *now_active = active;
}

static void
test_kill_during_apply (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *key = gh_test_bundle_keygen (dir, "hq");
  g_autofree char *trust = g_strconcat (key, ".pub", NULL);
  g_autoptr(GRand) rand = NULL;
  guint32 seed = g_getenv ("GLASSHOUSE_CRASH_SEED") != NULL
                 ? (guint32) atoi (g_getenv ("GLASSHOUSE_CRASH_SEED")) : g_random_int ();
  g_autoptr(GError) error = NULL;
  gint64 active = 1, started, full_apply_us;
  guint killed_old = 0, killed_new = 0, finished = 0;

  g_test_message ("random seed: %u (set GLASSHOUSE_CRASH_SEED to repeat)", seed);
  rand = g_rand_new_with_seed (seed);

  /* Version 1, applied normally; then a measured apply of version 2 sets the window. */
  {
    g_autoptr(GhStore) store = gh_store_open (db, GH_STORE_OPEN_CREATE, &error);
    g_autoptr(GhTrust) trusted = gh_trust_new_from_file (trust, &error);
    g_autofree char *config = gh_test_bundle_big_config (1, 300, 2000);
    g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, key);
    g_autoptr(GhCatalog) catalog = gh_config_apply (store, bundle, trusted, NULL, &error);

    g_assert_no_error (error);
  }
  {
    g_autofree char *config = gh_test_bundle_big_config (2, 300, 2000);
    g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, key);
    g_autofree char *path = gh_test_bundle_write (dir, "v2.bundle", bundle);

    started = g_get_monotonic_time ();
    g_assert_cmpint (wait_for (spawn_apply (db, trust, path)), ==, 0);
    full_apply_us = g_get_monotonic_time () - started;
    assert_consistent (db, 1, 2, &active);
    g_assert_cmpint (active, ==, 2);
    g_test_message ("one apply of a 2000-offer bundle takes %" G_GINT64_FORMAT " ms", full_apply_us / 1000);
  }

  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 next = active + 1;
      g_autofree char *config = gh_test_bundle_big_config (next, 300, 2000);
      g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, key);
      g_autofree char *name = g_strdup_printf ("v%" G_GINT64_FORMAT ".bundle", next);
      g_autofree char *path = gh_test_bundle_write (dir, name, bundle);
      /* Anywhere from process start to a little past the usual end. */
      gint64 delay = g_rand_int_range (rand, 0, (gint32) (full_apply_us * 6 / 5));
      gint64 previous = active;
      GPid pid = spawn_apply (db, trust, path);
      int status;

      g_usleep (delay);
      kill (pid, SIGKILL);
      status = wait_for (pid);
      g_spawn_close_pid (pid);

      assert_consistent (db, previous, next, &active);
      if (WIFSIGNALED (status))
        {
          if (active == next)
            killed_new++;
          else
            killed_old++;
        }
      else
        {
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          g_assert_cmpint (active, ==, next);
          finished++;
        }
      g_unlink (path);
    }
  g_test_message ("%u rounds: killed with the old config kept %u, killed after the commit %u, "
                  "finished %u", ROUNDS, killed_old, killed_new, finished);
  /* The window must have been hit: otherwise this test tested nothing. */
  g_assert_cmpuint (killed_old, >, 0);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/kill-during-apply", test_kill_during_apply);
  return g_test_run ();
}
