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

G_END_DECLS
