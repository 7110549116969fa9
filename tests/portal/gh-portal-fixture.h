/* The portal tests' world: a real PostgreSQL with HQ's schema, filled from a
 * real kiosk store, and a real glasshouse-portal process serving it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "config/gh-catalog.h"
#include "gh-portal-phone.h"
#include "gh-test-pg.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

/* The demo shoppers the fixture puts at HQ: 4000000001..3, PIN = last four digits. */
#define GH_PORTAL_FIXTURE_MEMBERS 3

typedef struct {
  GhTestPg   *pg;
  char       *dir;           /* scratch folder: kiosk store, key file, certificates, logs */
  char       *dbname;
  char       *kiosk_db;      /* the kiosk's store */
  char       *kiosk_id;
  char       *portal_conninfo;
  char       *token;         /* of the consent receipt the kiosk issued */
  char       *short_code;    /* as the kiosk shows it: XXXX-XXXX */
  char       *receipt_url;   /* the kiosk's follow-up URL (the config's portal_url + /r/ + token) */
  char       *receipt_id;
  char       *ref;           /* the member the receipt is for */
  char       *offer_purpose; /* a purpose that brings that member offers */
  char       *staff_token;   /* an access receipt, in German, issued with staff member s-0042 */
  GhCatalog  *catalog;
  /* The portal process. */
  GSubprocess *portal;
  char       *log_path;      /* its stderr */
  char       *earlier_log;   /* what portals started before this one logged */
  int         port;
  gboolean    tls;
} GhPortalFixture;

/* Starts PostgreSQL (NULL with @skip_reason when it is not installed), makes HQ's
 * database and fills it (gh_portal_fixture_fill_hq). */
GhPortalFixture *gh_portal_fixture_new   (char           **skip_reason);
void             gh_portal_fixture_free  (GhPortalFixture *fx);

/* Until `hq import`, `sync` and `hq kiosk approve` are merged: HQ as they would
 * leave it. A demo kiosk store issues a real consent receipt, pushes its events
 * with `glasshouse-ctl outbox push`; its members, its approved receipt key, the
 * receipts (from the receipt.issued events) and the signed demo bundle go into
 * HQ's tables. The one function to replace with those commands. */
void             gh_portal_fixture_fill_hq (GhPortalFixture *fx);

/* Writes the key file and starts glasshouse-portal on a free loopback port;
 * with @tls, HTTPS with a self-signed certificate for privacy.northwind.example.
 * @extra: more "key=value" lines for the key file, or NULL. */
void             gh_portal_fixture_start (GhPortalFixture *fx,
                                          gboolean         tls,
                                          const char      *extra);
/* Stops it (SIGTERM) and waits; asserts it exited 0. */
void             gh_portal_fixture_stop  (GhPortalFixture *fx);
/* Kills it (SIGKILL), as a crash or the OOM killer would. */
void             gh_portal_fixture_kill  (GhPortalFixture *fx);
/* What the portals started so far wrote to stderr. */
char            *gh_portal_fixture_log   (GhPortalFixture *fx);
/* Fails the test, naming it, if @log holds any of the NULL-terminated @secrets. */
void             gh_portal_fixture_assert_log_lacks (const char         *log,
                                                     const char * const *secrets);
/* http(s)://127.0.0.1:PORT */
char            *gh_portal_fixture_base  (GhPortalFixture *fx);
/* A superuser connection to HQ's database. */
PGconn          *gh_portal_fixture_admin (GhPortalFixture *fx);
/* A new phone, with no cookies yet, pointed at the running portal. */
GhPhone         *gh_portal_fixture_phone (GhPortalFixture *fx);

/* The first line of a test that needs the fixture: without PostgreSQL installed
 * there is none, and the test is skipped, saying why, rather than failed. */
#define GH_PORTAL_REQUIRE_FIXTURE(fx, skip_reason) G_STMT_START { \
  if ((fx) == NULL) { g_test_skip (skip_reason); return; } } G_STMT_END

/* A token for @kind signed by @seed's key for @kiosk_id, expiring at @expires_at. */
char            *gh_portal_fixture_token (const char      *kiosk_id,
                                          guint8           seed_byte,
                                          gint64           expires_at);

/* The receipt id such a token carries. */
char            *gh_portal_fixture_token_receipt_id (guint8 seed_byte);
/* Puts a copy of the fixture's receipt at HQ under that token's id and @kiosk_id. */
void             gh_portal_fixture_add_receipt (GhPortalFixture *fx,
                                                const char      *kiosk_id,
                                                guint8           seed_byte,
                                                const char      *token);

G_END_DECLS
