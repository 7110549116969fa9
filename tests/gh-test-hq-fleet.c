/* HQ with kiosks of its own for the fleet tests (gh-test-hq-fleet.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-test-hq-fleet.h"

#include "config/gh-config.h"
#include "hq/gh-hq.h"
#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

void
gh_test_hq_create (GhTestPg   *pg,
                   const char *dbname)
{
  g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", dbname);
  g_autofree char *conninfo = gh_test_pg_conninfo (pg, dbname, "postgres", NULL);
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) db = NULL;

  gh_test_pg_exec (admin, create);
  hq = gh_hq_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (gh_hq_init_schema (hq, &error));
  g_assert_no_error (error);
  db = gh_test_pg_admin (pg, dbname);
  gh_test_pg_exec (db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                       GH_TEST_ADMIN_USER "') THEN CREATE ROLE " GH_TEST_ADMIN_USER
                       " LOGIN PASSWORD '" GH_TEST_KIOSK_PASSWORD "' IN ROLE glasshouse_admin;"
                       " END IF; END $$");
}

char *
gh_test_hq_kiosk_login (GhTestPg   *pg,
                        const char *dbname,
                        const char *kiosk_id)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, dbname);
  g_autofree char *sql = g_strdup_printf ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles"
                                          " WHERE rolname = '%1$s') THEN CREATE ROLE \"%1$s\""
                                          " LOGIN PASSWORD '" GH_TEST_KIOSK_PASSWORD "'"
                                          " IN ROLE glasshouse_kiosk; END IF; END $$", kiosk_id);

  gh_test_pg_exec (db, sql);
  return gh_test_pg_conninfo (pg, dbname, kiosk_id, GH_TEST_KIOSK_PASSWORD);
}

char *
gh_test_hq_admin_conninfo (GhTestPg   *pg,
                           const char *dbname)
{
  return gh_test_pg_conninfo (pg, dbname, GH_TEST_ADMIN_USER, GH_TEST_KIOSK_PASSWORD);
}

GhStore *
gh_test_fleet_store (const char *dir,
                     const char *kiosk_id,
                     const char *store_id,
                     const char *hq_prefix)
{
  g_autofree char *name = g_strdup_printf ("%s.db", kiosk_id);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pub = g_strdup_printf ("%s.pub", hq_prefix);
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhStore) store = gh_test_kiosk_store_new (path, kiosk_id);
  g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, hq_prefix);
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_true (gh_store_set_meta (store, "store_id", store_id, &error));
  trust = gh_trust_new_from_file (pub, &error);
  g_assert_no_error (error);
  catalog = gh_config_apply (store, bundle, trust, "test", &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

int
gh_test_fleet_sync (const char  *db_path,
                    const char  *conninfo,
                    const char  *trust,
                    char       **out,
                    char       **err)
{
  const char *args[] = { "sync", "--db", db_path, "--postgres", conninfo,
                         trust != NULL ? "--trust" : NULL, trust, NULL };

  return gh_test_run_ctlv (out, err, args);
}

char *
gh_test_member_line (const char *ref,
                     const char *loyalty_id,
                     const char *name,
                     const char *email,
                     const char *stores)
{
  return g_strdup_printf ("{\"loyalty_id\":\"%s\",\"name\":\"%s\",\"ref\":\"%s\",\"stores\":%s,"
                          "\"items\":[{\"id\":\"mail-1\",\"category\":\"user.contact.email\","
                          "\"source\":\"provided\",\"attributes\":{\"email\":\"%s\"},"
                          "\"collected_at\":\"2026-11-01T00:00:00Z\"}],"
                          "\"consents\":[{\"purpose\":\"marketing.email\",\"state\":\"granted\","
                          "\"decided_at\":\"2026-11-01T00:00:00Z\"}]}",
                          loyalty_id, name, ref, stores, email);
}

void
gh_test_hq_member_change (PGconn     *db,
                          const char *ref,
                          const char *stores_array,
                          const char *line)
{
  const char *params[] = { ref, stores_array, line };
  g_autoptr(PGresult) result = PQexecParams (db, "INSERT INTO glasshouse.member_change"
                                                 " (ref, stores, line) VALUES ($1, $2, $3)",
                                             3, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    gh_test_fail ("member_change: %s", PQerrorMessage (db));
}

char *
gh_test_store_consent (GhStore    *store,
                       const char *ref,
                       const char *purpose)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT c.state FROM consent c JOIN customer u ON u.id = c.customer_id"
      " WHERE u.ref = ?1 AND c.purpose_id = ?2", &error);
  char *state = NULL;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = g_strdup (sqlite3_column_int (stmt, 0) ? "granted" : "revoked");
  sqlite3_reset (stmt);
  return state;
}

void
gh_test_fleet_set_up (GhTestFleet        *fleet,
                      GhTestPg           *pg,
                      const char         *dbname,
                      guint               n_kiosks,
                      const char * const *kiosk_ids,
                      const char * const *store_ids)
{
  g_assert_cmpuint (n_kiosks, <=, GH_TEST_FLEET_MAX_KIOSKS);
  fleet->dbname = g_strdup (dbname);
  fleet->dir = gh_test_mkdtemp ();
  fleet->prefix = gh_test_bundle_keygen (fleet->dir, "hq");
  fleet->trust = g_strdup_printf ("%s.pub", fleet->prefix);
  gh_test_hq_create (pg, dbname);
  fleet->admin = gh_test_hq_admin_conninfo (pg, dbname);
  fleet->n_kiosks = n_kiosks;
  fleet->kiosk_ids = kiosk_ids;
  for (guint i = 0; i < n_kiosks; i++)
    {
      g_autoptr(GhStore) store = gh_test_fleet_store (fleet->dir, kiosk_ids[i], store_ids[i],
                                                      fleet->prefix);

      fleet->paths[i] = g_strdup (gh_store_get_path (store));
      fleet->conninfo[i] = gh_test_hq_kiosk_login (pg, dbname, kiosk_ids[i]);
    }
}

void
gh_test_fleet_tear_down (GhTestFleet *fleet)
{
  gh_test_rmdir (fleet->dir);
  g_free (fleet->dbname);
  g_free (fleet->dir);
  g_free (fleet->prefix);
  g_free (fleet->trust);
  g_free (fleet->admin);
  for (guint i = 0; i < fleet->n_kiosks; i++)
    {
      g_free (fleet->paths[i]);
      g_free (fleet->conninfo[i]);
    }
}

char *
gh_test_fleet_sync_ok (GhTestFleet *fleet,
                       guint        kiosk)
{
  g_autofree char *out = NULL;
  char *err = NULL;
  int status = gh_test_fleet_sync (fleet->paths[kiosk], fleet->conninfo[kiosk], fleet->trust,
                                   &out, &err);

  if (status != 0)
    gh_test_fail ("sync of %s: exit %d: %s%s", fleet->kiosk_ids[kiosk], status, out, err);
  return err;
}

GhStore *
gh_test_fleet_open (GhTestFleet *fleet,
                    guint        kiosk)
{
  g_autoptr(GError) error = NULL;
  GhStore *store = gh_store_open (fleet->paths[kiosk], GH_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  return store;
}
