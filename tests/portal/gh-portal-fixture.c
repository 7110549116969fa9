/* The portal tests' HQ: a throwaway PostgreSQL (gh-test-pg), HQ's schema from
 * `hq init`'s code, a real demo kiosk store that issues a real receipt and
 * pushes with `glasshouse-ctl outbox push`, and the rows the fleet's commands
 * will write (gh_portal_fixture_fill_hq). Also starts the real
 * glasshouse-portal binary, which dies with the test (PR_SET_PDEATHSIG).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-portal-fixture.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hq/gh-hq.h"
#include "offers/gh-offers.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-receipt.h"
#include "receipts/gh-token.h"
#include "gh-test-utils.h"

#define PORTAL_USER     "portal_login"
#define PORTAL_PASSWORD "portal-Secret-42"

PGconn *
gh_portal_fixture_admin (GhPortalFixture *fx)
{
  return gh_test_pg_admin (fx->pg, fx->dbname);
}

static void
exec_params (PGconn             *conn,
             const char         *sql,
             int                 n,
             const char * const *params)
{
  PGresult *result = PQexecParams (conn, sql, n, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    gh_test_fail ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* The kiosk side: a demo store, one visit's consent change and its receipt. */
static void
kiosk_issues_receipt (GhPortalFixture *fx)
{
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  GhSessionChange *change;
  GhPurpose *purpose;
  g_autofree char *err = NULL;

  fx->kiosk_db = g_build_filename (fx->dir, "kiosk.db", NULL);
  /* A kiosk of store-1, as installed: init with its store, then the demo's shoppers. */
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "init", "--store-id", "store-1", "--db", fx->kiosk_db,
                                    NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "demo", "--customers", "3", "--db", fx->kiosk_db,
                                    NULL), ==, 0);
  store = gh_store_open (fx->kiosk_db, 0, &error);
  g_assert_no_error (error);
  fx->kiosk_id = g_strdup (gh_store_get_kiosk_id (store));
  fx->catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  customer = gh_store_find_customer (store, "4000000001", &error);
  g_assert_no_error (error);
  fx->ref = g_strdup (customer->ref);

  purpose = gh_catalog_find_purpose (fx->catalog, "marketing.email");
  g_assert_nonnull (purpose);
  change = g_new0 (GhSessionChange, 1);
  change->purpose_id = g_strdup ("marketing.email");
  change->from = GH_CONSENT_REVOKED;
  change->to = GH_CONSENT_GRANTED;
  change->at = g_get_real_time () / G_USEC_PER_SEC;
  change->actor = g_strdup ("shopper");
  change->event_seq = gh_store_set_consent (store, customer, "marketing.email", GH_CONSENT_GRANTED,
                                            gh_purpose_get_notice_version (purpose), "shopper", &error);
  g_assert_no_error (error);
  g_ptr_array_add (changes, change);
  receipt = gh_receipt_issue (store, fx->catalog, customer, GH_RECEIPT_KIND_CONSENT, changes, NULL,
                              "en", &error);
  g_assert_no_error (error);
  fx->token = g_strdup (gh_receipt_get_token (receipt));
  fx->short_code = g_strdup (gh_receipt_get_short_code (receipt));
  fx->receipt_id = g_strdup (gh_receipt_get_id (receipt));
  fx->receipt_url = gh_receipt_get_follow_up_url (receipt, fx->catalog);

  /* Another member asked for a copy of their data, helped by staff. */
  {
    g_autoptr(GhCustomer) other = gh_store_find_customer (store, "4000000002", &error);
    g_autoptr(GhReceipt) access = NULL;

    g_assert_no_error (error);
    access = gh_receipt_issue (store, fx->catalog, other, GH_RECEIPT_KIND_ACCESS, NULL, "s-0042",
                               "de", &error);
    g_assert_no_error (error);
    fx->staff_token = g_strdup (gh_receipt_get_token (access));
  }

  /* A purpose that brings this member offers: switching it off has a preview. */
  {
    g_autoptr(GPtrArray) items = gh_store_list_data_items (store, customer->id, &error);
    g_autoptr(GPtrArray) consents = gh_store_list_consents (store, customer->id, &error);
    g_autoptr(GPtrArray) matches = gh_offers_evaluate (fx->catalog, items, consents);
    for (guint i = 0; i < matches->len && fx->offer_purpose == NULL; i++)
      {
        GhOfferMatch *match = matches->pdata[i];
        if (gh_purpose_get_can_revoke (match->purpose))
          fx->offer_purpose = g_strdup (gh_purpose_get_id (match->purpose));
      }
    g_assert_nonnull (fx->offer_purpose);
  }
}

static void
insert_members (GhPortalFixture *fx,
                PGconn          *db)
{
  g_autoptr(GhStore) store = gh_store_open (fx->kiosk_db, 0, NULL);

  g_assert_nonnull (store);
  for (int n = 1; n <= GH_PORTAL_FIXTURE_MEMBERS; n++)
    {
      g_autofree char *loyalty = g_strdup_printf ("40000000%02d", n);
      g_autoptr(GhCustomer) customer = gh_store_find_customer (store, loyalty, NULL);
      g_autoptr(GPtrArray) items = NULL;
      g_autofree char *since = g_strdup_printf ("%" G_GINT64_FORMAT, customer->created_at);
      const char *member[] = { customer->ref, loyalty, customer->display_name, customer->pin_hash, since };

      exec_params (db, "INSERT INTO glasshouse.member (ref, loyalty_id, display_name, pin_hash,"
                       " member_since, stores) VALUES ($1, $2, $3, $4, to_timestamp ($5::bigint),"
                       " '{store-1}')", 5, member);
      items = gh_store_list_data_items (store, customer->id, NULL);
      g_assert_nonnull (items);
      for (guint i = 0; i < items->len; i++)
        {
          GhDataItem *item = items->pdata[i];
          g_autofree char *id = g_strdup_printf ("item-%" G_GINT64_FORMAT, item->id);
          g_autofree char *collected = g_strdup_printf ("%" G_GINT64_FORMAT, item->collected_at);
          g_autofree char *retained = g_strdup_printf ("%" G_GINT64_FORMAT, item->retained_until);
          const char *row[] = { customer->ref, id, item->category, gh_source_to_string (item->source),
                                item->attributes, collected, retained };
          exec_params (db, "INSERT INTO glasshouse.member_item (ref, item_id, category, source,"
                           " attributes, collected_at, retained_until) VALUES ($1, $2, $3, $4,"
                           " $5::jsonb, to_timestamp ($6::bigint), to_timestamp ($7::bigint))", 7, row);
        }
      /* The CRM's consents, as hq import brings them (origin crm). */
      {
        g_autoptr(GPtrArray) consents = gh_store_list_consents (store, customer->id, NULL);
        g_assert_nonnull (consents);
        for (guint i = 0; i < consents->len; i++)
          {
            GhConsent *consent = consents->pdata[i];
            g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, consent->updated_at);
            const char *row[] = { customer->ref, consent->purpose_id,
                                  gh_consent_state_to_string (consent->state), consent->notice_version, at };
            exec_params (db, "INSERT INTO glasshouse.decision (ref, purpose_id, state, notice_version,"
                             " decided_at, origin) VALUES ($1, $2, $3, $4, to_timestamp ($5::bigint), 'crm')",
                         5, row);
          }
      }
    }
}

void
gh_portal_fixture_fill_hq (GhPortalFixture *fx)
{
  g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
  g_autofree char *push_conninfo = gh_test_pg_conninfo (fx->pg, fx->dbname, "postgres", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) pubkey = NULL;
  g_autofree char *bundle_path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "data",
                                                   "demo-config.bundle", NULL);

  kiosk_issues_receipt (fx);
  /* One sync round: the kiosk registers its id and receipt key, and its push brings the
   * receipt and the visit's decisions (origin kiosk) to HQ. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "sync", "--db", fx->kiosk_db,
                                    "--postgres", push_conninfo, NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  /* hq kiosk approve, as HQ staff do. */
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "kiosk", "pubkey", "--db", fx->kiosk_db, NULL), ==, 0);
  pubkey = g_strsplit (g_strstrip (out), " ", 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "kiosk", "approve", pubkey[0],
                                    "--postgres", push_conninfo, NULL), ==, 0);

  /* The members and their data, as hq import leaves them. */
  insert_members (fx, db);

  /* hq publish: the signed demo bundle, for every store. */
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "publish", bundle_path,
                                    "--postgres", push_conninfo, NULL), ==, 0);
}

GhPortalFixture *
gh_portal_fixture_new (char **skip_reason)
{
  GhPortalFixture *fx = g_new0 (GhPortalFixture, 1);
  g_autofree char *conninfo = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;

  fx->pg = gh_test_pg_start_sealed (FALSE, skip_reason);
  if (fx->pg == NULL)
    {
      g_free (fx);
      return NULL;
    }
  fx->dir = gh_test_mkdtemp ();
  fx->dbname = g_strdup ("hq");
  {
    g_autoptr(PGconn) admin = gh_test_pg_admin (fx->pg, "postgres");
    gh_test_pg_exec (admin, "CREATE DATABASE hq");
  }
  conninfo = gh_test_pg_conninfo (fx->pg, fx->dbname, "postgres", NULL);
  hq = gh_hq_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (gh_hq_init_schema (hq, &error));
  g_assert_no_error (error);
  {
    g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
    gh_test_pg_exec (db, "CREATE ROLE " PORTAL_USER " LOGIN PASSWORD '" PORTAL_PASSWORD "'"
                         " IN ROLE glasshouse_portal");
  }
  fx->portal_conninfo = gh_test_pg_conninfo (fx->pg, fx->dbname, PORTAL_USER, PORTAL_PASSWORD);
  gh_portal_fixture_fill_hq (fx);
  return fx;
}

void
gh_portal_fixture_free (GhPortalFixture *fx)
{
  if (fx == NULL)
    return;
  if (fx->portal != NULL)
    gh_portal_fixture_stop (fx);
  gh_test_pg_stop (fx->pg);
  gh_test_rmdir (fx->dir);
  g_clear_object (&fx->catalog);
  g_free (fx->dir);
  g_free (fx->dbname);
  g_free (fx->kiosk_db);
  g_free (fx->kiosk_id);
  g_free (fx->portal_conninfo);
  g_free (fx->token);
  g_free (fx->short_code);
  g_free (fx->receipt_url);
  g_free (fx->receipt_id);
  g_free (fx->ref);
  g_free (fx->offer_purpose);
  g_free (fx->staff_token);
  g_free (fx->log_path);
  g_free (fx->earlier_log);
  g_free (fx);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
make_certificate (GhPortalFixture *fx)
{
  g_autofree char *key = g_build_filename (fx->dir, "portal.key", NULL);
  g_autofree char *cert = g_build_filename (fx->dir, "portal.crt", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                         "/CN=privacy.northwind.example", "-addext",
                         "subjectAltName=DNS:privacy.northwind.example", "-keyout", key, "-out",
                         cert, NULL };
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test (cert, G_FILE_TEST_EXISTS))
    return;
  openssl = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  g_assert_no_error (error);
}

void
gh_portal_fixture_start (GhPortalFixture *fx,
                         gboolean         tls,
                         const char      *extra)
{
  g_autofree char *conf = g_build_filename (fx->dir, "glasshouse-portal.conf", NULL);
  g_autofree char *trust = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                             "demo-hq-key-DO-NOT-USE.pub", NULL);
  g_autofree char *po = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "po", NULL);
  g_autofree char *portal = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "app", "portal",
                                              "glasshouse-portal", NULL);
  g_autoptr(GString) text = g_string_new ("[portal]\naddress=127.0.0.1\nport=0\n");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_null (fx->portal);
  g_string_append_printf (text, "postgres=%s\nbundle-trust=%s\nlocaledir=%s\n", fx->portal_conninfo,
                          trust, po);
  if (tls)
    {
      make_certificate (fx);
      g_string_append_printf (text, "tls-certificate=%s/portal.crt\ntls-key=%s/portal.key\n",
                              fx->dir, fx->dir);
    }
  /* The portal's own receipt key, approved at HQ like a kiosk's. */
  {
    g_autofree char *key_path = g_build_filename (fx->dir, "portal-receipt.key", NULL);
    guint8 seed[32];
    g_autofree char *seed64 = NULL;
    g_autofree char *line = NULL;
    g_autoptr(GhKioskKeys) keys = NULL;
    g_autofree char *pub = NULL;
    g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
    const char *params[2];

    memset (seed, 0x42, sizeof seed);
    seed64 = g_base64_encode (seed, sizeof seed);
    line = g_strdup_printf ("glasshouse-kiosk-key/1 %s\n", seed64);
    g_assert_true (g_file_set_contents_full (key_path, line, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
    keys = gh_kiosk_keys_new_from_seed (seed);
    pub = gh_kiosk_keys_get_public_base64 (keys);
    params[0] = "portal-1";
    params[1] = pub;
    exec_params (db, "INSERT INTO glasshouse.kiosk_key (kiosk_id, pubkey, approved_at, approved_by)"
                     " VALUES ($1, $2, now (), 'fixture') ON CONFLICT DO NOTHING", 2, params);
    g_string_append_printf (text, "receipt-key=%s\nportal-id=portal-1\n", key_path);
  }
  if (extra != NULL)
    g_string_append_printf (text, "%s\n", extra);
  g_assert_true (g_file_set_contents (conf, text->str, -1, NULL));
  fx->tls = tls;
  /* A restarted portal writes a new log: keep what the one before wrote. */
  if (fx->log_path != NULL)
    {
      g_autofree char *before = gh_portal_fixture_log (fx);
      char *joined = g_strconcat (fx->earlier_log != NULL ? fx->earlier_log : "", before, NULL);
      g_free (fx->earlier_log);
      fx->earlier_log = joined;
    }
  g_free (fx->log_path);
  fx->log_path = g_build_filename (fx->dir, "portal.log", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, fx->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* The test's own G_DEBUG=fatal-warnings would make a logged warning fatal. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  fx->portal = g_subprocess_launcher_spawn (launcher, &error, portal, "--config", conf,
                                            "--print-port", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fx->portal));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    {
      g_autofree char *log = gh_portal_fixture_log (fx);
      gh_test_fail ("glasshouse-portal did not start: %s", log);
    }
  fx->port = atoi (line);
  g_assert_cmpint (fx->port, >, 0);
}

void
gh_portal_fixture_stop (GhPortalFixture *fx)
{
  g_autoptr(GError) error = NULL;

  if (fx->portal == NULL)
    return;
  g_subprocess_send_signal (fx->portal, SIGTERM);
  g_assert_true (g_subprocess_wait (fx->portal, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (fx->portal));
  g_assert_cmpint (g_subprocess_get_exit_status (fx->portal), ==, 0);
  g_clear_object (&fx->portal);
}

void
gh_portal_fixture_kill (GhPortalFixture *fx)
{
  g_assert_nonnull (fx->portal);
  g_subprocess_send_signal (fx->portal, SIGKILL);
  g_assert_true (g_subprocess_wait (fx->portal, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (fx->portal));
  g_clear_object (&fx->portal);
}

char *
gh_portal_fixture_log (GhPortalFixture *fx)
{
  g_autofree char *text = NULL;

  if (fx->log_path == NULL || !g_file_get_contents (fx->log_path, &text, NULL, NULL))
    return g_strdup (fx->earlier_log != NULL ? fx->earlier_log : "");
  return g_strconcat (fx->earlier_log != NULL ? fx->earlier_log : "", text, NULL);
}

void
gh_portal_fixture_assert_log_lacks (const char         *log,
                                    const char * const *secrets)
{
  for (guint i = 0; secrets[i] != NULL; i++)
    if (strstr (log, secrets[i]) != NULL)
      gh_test_fail ("the portal's log holds \"%s\"", secrets[i]);
}

GhPhone *
gh_portal_fixture_phone (GhPortalFixture *fx)
{
  g_autofree char *base = gh_portal_fixture_base (fx);

  return gh_phone_new (base);
}

char *
gh_portal_fixture_base (GhPortalFixture *fx)
{
  return g_strdup_printf ("%s://127.0.0.1:%d", fx->tls ? "https" : "http", fx->port);
}

char *
gh_portal_fixture_token (const char *kiosk_id,
                         guint8      seed_byte,
                         gint64      expires_at)
{
  guint8 seed[32];
  g_autoptr(GhKioskKeys) keys = NULL;
  GhTokenClaims claims = { { 0 }, (char *) kiosk_id, GH_RECEIPT_KIND_CONSENT, expires_at };
  g_autoptr(GError) error = NULL;
  char *token;

  memset (seed, seed_byte, sizeof seed);
  keys = gh_kiosk_keys_new_from_seed (seed);
  for (guint i = 0; i < GH_TOKEN_RECEIPT_ID_BYTES; i++)
    claims.receipt_id[i] = (guint8) (i * 7 + seed_byte);
  token = gh_token_encode (&claims, keys, &error);
  g_assert_no_error (error);
  return token;
}

char *
gh_portal_fixture_token_receipt_id (guint8 seed_byte)
{
  guint8 id[GH_TOKEN_RECEIPT_ID_BYTES];

  for (guint i = 0; i < GH_TOKEN_RECEIPT_ID_BYTES; i++)
    id[i] = (guint8) (i * 7 + seed_byte);
  return gh_token_format_receipt_id (id);
}

void
gh_portal_fixture_add_receipt (GhPortalFixture *fx,
                               const char      *kiosk_id,
                               guint8           seed_byte,
                               const char      *token)
{
  g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
  g_autofree char *id = gh_portal_fixture_token_receipt_id (seed_byte);
  g_autofree char *code = gh_token_short_code (token);
  const char *params[] = { id, kiosk_id, token, NULL };

  g_strdelimit (code, "-", ' ');
  memmove (code + 4, code + 5, strlen (code + 5) + 1);
  params[3] = code;

  /* A copy of the real receipt under the token's id: only the token check can refuse it. */
  exec_params (db, "INSERT INTO glasshouse.receipt (receipt_id, kiosk_id, kind, ref, token, short_code,"
                   " expires_at, issued_at, body)"
                   " SELECT $1::uuid, $2, kind, ref, $3, $4, expires_at, issued_at, body"
                   "   FROM glasshouse.receipt ORDER BY issued_at LIMIT 1", 4, params);
}
