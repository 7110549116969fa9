/* HQ with kiosks of its own for the fleet tests: a database made by hq init, a login per
 * kiosk in glasshouse_kiosk, kiosk stores with keys, a store id and a signed config.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gh-test-pg.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_TEST_KIOSK_PASSWORD "kiosk-Pw-91c2"
#define GH_TEST_ADMIN_USER "hq_admin"

/* A new database @dbname with HQ's schema and a login GH_TEST_ADMIN_USER in glasshouse_admin. */
void     gh_test_hq_create         (GhTestPg    *pg,
                                    const char  *dbname);
/* A login named @kiosk_id in glasshouse_kiosk; its conninfo. */
char    *gh_test_hq_kiosk_login    (GhTestPg    *pg,
                                    const char  *dbname,
                                    const char  *kiosk_id);
char    *gh_test_hq_admin_conninfo (GhTestPg    *pg,
                                    const char  *dbname);

/* A kiosk store at @dir/@kiosk_id.db: its receipt key, meta store_id @store_id, and
 * version 1 of the test bundle config, signed with @hq_prefix's key, applied. */
GhStore *gh_test_fleet_store       (const char  *dir,
                                    const char  *kiosk_id,
                                    const char  *store_id,
                                    const char  *hq_prefix);

/* Runs `glasshouse-ctl sync` on @db_path as a real process; its exit code. */
int      gh_test_fleet_sync        (const char  *db_path,
                                    const char  *conninfo,
                                    const char  *trust,
                                    char       **out,
                                    char       **err);

/* A glasshouse-members/1 line for member @ref of @stores (JSON array text). */
char    *gh_test_member_line       (const char  *ref,
                                    const char  *loyalty_id,
                                    const char  *name,
                                    const char  *email,
                                    const char  *stores);
/* Puts @line into glasshouse.member_change as hq import would (plain SQL for now). */
void     gh_test_hq_member_change  (PGconn      *db,
                                    const char  *ref,
                                    const char  *stores_array,
                                    const char  *line);

/* The store's consent state for @ref and @purpose: "granted", "revoked" or NULL. */
char    *gh_test_store_consent     (GhStore     *store,
                                    const char  *ref,
                                    const char  *purpose);

/* An HQ and its kiosks, for the fleet tests: nothing registered or approved yet. */
#define GH_TEST_FLEET_MAX_KIOSKS 3

typedef struct {
  char  *dbname;
  char  *dir;
  char  *prefix;                                  /* HQ's signing key */
  char  *trust;                                   /* the kiosks' trust file */
  char  *admin;                                   /* GH_TEST_ADMIN_USER's conninfo */
  guint  n_kiosks;
  const char * const *kiosk_ids;
  char  *paths[GH_TEST_FLEET_MAX_KIOSKS];         /* each kiosk's store */
  char  *conninfo[GH_TEST_FLEET_MAX_KIOSKS];      /* each kiosk's own login */
} GhTestFleet;

/* A new HQ database @dbname (gh_test_hq_create), a signing key and trust file in a new
 * folder, and @n_kiosks kiosks: kiosk @kiosk_ids[i] of store @store_ids[i], each with
 * its store (gh_test_fleet_store) and its login at HQ. */
void     gh_test_fleet_set_up      (GhTestFleet        *fleet,
                                    GhTestPg           *pg,
                                    const char         *dbname,
                                    guint               n_kiosks,
                                    const char * const *kiosk_ids,
                                    const char * const *store_ids);
void     gh_test_fleet_tear_down   (GhTestFleet        *fleet);
/* `glasshouse-ctl sync` of kiosk @kiosk; fails the test unless it exits 0. Its stderr. */
char    *gh_test_fleet_sync_ok     (GhTestFleet        *fleet,
                                    guint               kiosk);
/* Opens kiosk @kiosk's store; asserts it opens. */
GhStore *gh_test_fleet_open        (GhTestFleet        *fleet,
                                    guint               kiosk);

G_END_DECLS
