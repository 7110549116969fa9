/* The fleet when things go wrong, against a real PostgreSQL: HQ refuses events that do not
 * fit the kiosk's chain and the push acks nothing it does not hold (a trigger that swallows
 * inserts, a row HQ already had under that seq with another time, decisions HQ already had
 * under the kiosk's coming seqs); a sync round killed at
 * every stage, then one more round converges with each event at HQ once; a kiosk an hour
 * fast cannot make an older grant beat a later revocation; nothing is applied during a
 * visit, and the kiosk applies it when the visit ends; HQ down leaves the store as it was;
 * a disk that fills up mid-pull loses nothing and the next round catches up.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hq/gh-hq-sync.h"
#include "visit/gh-kiosk.h"
#include "gh-test-bundle.h"
#include "gh-test-hq-fleet.h"
#include "gh-test-utils.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static GhTestPg *pg;
static char *pg_skip_reason;

#define REQUIRE_PG() GH_TEST_REQUIRE_PG (pg, pg_skip_reason)

#define LOYALTY "7300000000555"
#define REF "m-faults-1"

typedef GhTestFleet Hq;

static const char *kiosk_ids[] = { "kiosk-a", "kiosk-b" };
static const char *store_ids[] = { "store-1", "store-1" };

static void
sync_ok (Hq  *hq,
         int  kiosk)
{
  g_free (gh_test_fleet_sync_ok (hq, kiosk));
}

#define open_store gh_test_fleet_open

/* Two approved kiosks of store-1, one member on both. */
static void
hq_set_up (Hq         *hq,
           const char *dbname)
{
  g_autoptr(PGconn) db = NULL;
  g_autofree char *line = NULL;

  gh_test_fleet_set_up (hq, pg, dbname, G_N_ELEMENTS (kiosk_ids), kiosk_ids, store_ids);
  db = gh_test_pg_admin (pg, dbname);
  line = gh_test_member_line (REF, LOYALTY, "Faults Member", "faults@example.org",
                              "[\"store-1\"]");
  gh_test_hq_member_change (db, REF, "{store-1}", line);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *approve = g_strdup_printf ("SELECT glasshouse.approve_kiosk ('%s')",
                                                  kiosk_ids[i]);

      sync_ok (hq, i);
      gh_test_pg_int (db, approve);
      sync_ok (hq, i);
    }
}

#define hq_tear_down gh_test_fleet_tear_down

static void
set_consent (Hq             *hq,
             int             kiosk,
             const char     *purpose,
             GhConsentState  state)
{
  g_autoptr(GhStore) store = open_store (hq, kiosk);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) member = gh_store_find_customer_by_ref (store, REF, &error);

  g_assert_no_error (error);
  gh_store_set_consent (store, member, purpose, state, "1", "shopper", &error);
  g_assert_no_error (error);
}

static char *
store_consent (Hq         *hq,
               int         kiosk,
               const char *purpose)
{
  g_autoptr(GhStore) store = open_store (hq, kiosk);

  return gh_test_store_consent (store, REF, purpose);
}

/* Exactly once: no (kiosk, seq) twice, none missing, as many as the store has. */
static void
assert_events_once (Hq     *hq,
                    PGconn *db,
                    int     kiosk)
{
  g_autoptr(GhStore) store = open_store (hq, kiosk);
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) = count (DISTINCT seq)"
                                          " AND count (*) = max (seq)"
                                          " AND count (*) = %" G_GINT64_FORMAT
                                          " FROM glasshouse.event WHERE kiosk_id = '%s'",
                                          gh_store_count_events (store, NULL), kiosk_ids[kiosk]);

  g_assert_cmpint (gh_store_outbox_count (store, NULL), ==, 0);
  g_assert_cmpstr (gh_test_pg_value (db, sql), ==, "t");
}

/* ---- arrival checks ------------------------------------------------------------ */

static void
test_arrival (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autofree char *err = NULL;
  gint64 backlog;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_arrival");
  db = gh_test_pg_admin (pg, "faults_arrival");

  /* A trigger that swallows every insert: nothing is acknowledged. */
  gh_test_pg_exec (db, "CREATE FUNCTION public.swallow () RETURNS trigger LANGUAGE plpgsql"
                       " AS $$ BEGIN RETURN NULL; END $$;"
                       "CREATE TRIGGER swallow BEFORE INSERT ON glasshouse.event"
                       " FOR EACH ROW EXECUTE FUNCTION public.swallow ()");
  set_consent (&hq, 0, "marketing.email", GH_CONSENT_REVOKED);
  set_consent (&hq, 0, "personalize.offers", GH_CONSENT_REVOKED);
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    backlog = gh_store_outbox_count (a, NULL);
  }
  g_assert_cmpint (backlog, >=, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", hq.paths[0],
                                    "--postgres", hq.conninfo[0], NULL), ==, 3);
  g_assert_nonnull (strstr (err, "did not keep event"));
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    g_assert_cmpint (gh_store_outbox_count (a, NULL), ==, backlog);
  }
  gh_test_pg_exec (db, "DROP TRIGGER swallow ON glasshouse.event");
  g_clear_pointer (&err, g_free);

  /* HQ got a row under the kiosk's next seq with another time (and a valid hash of its
   * own): the kiosk's real event is refused and nothing is acknowledged. */
  gh_test_pg_exec (db, "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, kind, body,"
                       " prev_hash, hash)"
                       " SELECT 'kiosk-a', k.last_seq + 1, now () - interval '1 day', 'shopper',"
                       "        'consent.granted', '{}', k.last_hash,"
                       "        glasshouse.chain_hash (k.last_seq + 1, now () - interval '1 day',"
                       "                               'kiosk-a', 'shopper', NULL, 'consent.granted',"
                       "                               '{}', k.last_hash)"
                       "   FROM glasshouse.kiosk k WHERE k.kiosk_id = 'kiosk-a'");
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", hq.paths[0],
                                    "--postgres", hq.conninfo[0], NULL), ==, 3);
  g_assert_nonnull (strstr (err, "glasshouse-ctl: error: "));
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    g_assert_cmpint (gh_store_outbox_count (a, NULL), ==, backlog);
  }
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) - count (DISTINCT seq)"
                                       " FROM glasshouse.event WHERE kiosk_id = 'kiosk-a'"), ==, 0);

  /* HQ's own check refuses a hash that is not the content's, and a broken link. */
  {
    g_autoptr(PGresult) bad_hash = PQexec (db,
        "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, kind, body, prev_hash, hash)"
        " VALUES ('kiosk-x', 1, now (), 'shopper', 'consent.granted', '{}', repeat ('0', 64),"
        " repeat ('a', 64))");
    g_autoptr(PGresult) bad_link = PQexec (db,
        "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, kind, body, prev_hash, hash)"
        " SELECT 'kiosk-x', s, '2026-01-01Z', 'shopper', 'k', '{}', repeat ('0', 64),"
        "        glasshouse.chain_hash (s, '2026-01-01Z', 'kiosk-x', 'shopper', NULL, 'k', '{}',"
        "                               repeat ('0', 64))"
        "   FROM generate_series (1, 2) AS s");

    g_assert_cmpstr (PQresultErrorField (bad_hash, PG_DIAG_SQLSTATE), ==, "23514");
    g_assert_nonnull (strstr (PQresultErrorMessage (bad_hash), "hash does not match"));
    g_assert_cmpstr (PQresultErrorField (bad_link, PG_DIAG_SQLSTATE), ==, "23514");
    g_assert_nonnull (strstr (PQresultErrorMessage (bad_link), "prev_hash"));
  }
  hq_tear_down (&hq);
}

/* A damaged HQ already holds decisions under the kiosk's coming event numbers (a restore
 * mixed up, a hand-made row): the push fails and acks nothing, instead of landing the events
 * and letting the stranger's decision stand for the shopper's. */
static void
test_decision_clash (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autofree char *err = NULL;
  gint64 backlog, last_seq;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_clash");
  db = gh_test_pg_admin (pg, "faults_clash");
  set_consent (&hq, 0, "marketing.email", GH_CONSENT_REVOKED);
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    backlog = gh_store_outbox_count (a, NULL);
  }
  g_assert_cmpint (backlog, >=, 1);
  last_seq = gh_test_pg_int (db, "SELECT last_seq FROM glasshouse.kiosk"
                                 " WHERE kiosk_id = 'kiosk-a'");
  gh_test_pg_exec (db, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at,"
                       " origin, kiosk_id, seq)"
                       " SELECT 'someone-else', 'marketing.email', 'granted', now (), 'kiosk',"
                       "        'kiosk-a', k.last_seq + s"
                       "   FROM glasshouse.kiosk k, generate_series (1, 50) AS s"
                       "  WHERE k.kiosk_id = 'kiosk-a'");

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", hq.paths[0],
                                    "--postgres", hq.conninfo[0], NULL), !=, 0);
  g_assert_nonnull (strstr (err, "glasshouse-ctl: error: "));
  g_test_message ("the push said: %s", err);
  g_assert_nonnull (strstr (err, "HQ already holds decisions under their seqs"));
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    g_assert_cmpint (gh_store_outbox_count (a, NULL), ==, backlog);
  }
  /* HQ is as it was: no new event of the kiosk, the member's own decision not made. */
  g_assert_cmpint (gh_test_pg_int (db, "SELECT max (seq) FROM glasshouse.event"
                                       " WHERE kiosk_id = 'kiosk-a'"), ==, last_seq);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE ref = '" REF "' AND state = 'revoked'"), ==, 0);
  hq_tear_down (&hq);
}

/* ---- a full disk ------------------------------------------------------------------ */

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { GPOINTER_TO_UINT (data), GPOINTER_TO_UINT (data) };

  setrlimit (RLIMIT_FSIZE, &limit);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64) buf.st_size : 0;
}

/* The kiosk's disk fills up (here: the file-size limit, which sqlite meets the same way)
 * while a round pulls 5,000 new members: the round says so and stops, the store verifies and
 * keeps what it had, and the next round with room brings in every member once. */
static void
test_disk_full (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *state = NULL;
  gint64 events_before, limit;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_full");
  db = gh_test_pg_admin (pg, "faults_full");
  set_consent (&hq, 0, "marketing.email", GH_CONSENT_REVOKED);
  gh_test_pg_exec (db,
    "INSERT INTO glasshouse.member_change (ref, stores, line)"
    " SELECT 'm-full-' || i, '{store-1}',"
    "        format ('{\"loyalty_id\":\"%s\",\"name\":\"Member %s\",\"ref\":\"m-full-%s\","
    "\"stores\":[\"store-1\"],\"items\":[{\"id\":\"mail-1\",\"category\":\"user.contact.email\","
    "\"source\":\"provided\",\"attributes\":{\"email\":\"m%s@example.org\"},"
    "\"collected_at\":\"2026-11-01T00:00:00Z\"}],\"consents\":[{\"purpose\":\"marketing.email\","
    "\"state\":\"granted\",\"decided_at\":\"2026-11-01T00:00:00Z\"}]}',"
    "                7310000000000 + i, i, i, i)"
    "   FROM generate_series (1, 5000) AS i");
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    events_before = gh_store_count_events (a, NULL);
  }

  wal = g_strdup_printf ("%s-wal", hq.paths[0]);
  limit = MAX (file_size (hq.paths[0]), file_size (wal)) + 256 * 1024;
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size,
                                         GUINT_TO_POINTER ((guint) limit), NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GLASSHOUSE_CTL"), "sync",
                                         "--db", hq.paths[0], "--postgres", hq.conninfo[0],
                                         "--trust", hq.trust, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_test_message ("sync under a file-size limit of %" G_GINT64_FORMAT " bytes: %s", limit, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_nonnull (strstr (err, "file-size limit"));

  /* Nothing the kiosk had is lost: the chain verifies, the shopper's choice stands. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "audit", "verify", "--db", hq.paths[0], NULL),
                   ==, 0);
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    g_assert_cmpint (gh_store_count_events (a, NULL), >=, events_before);
  }
  state = store_consent (&hq, 0, "marketing.email");
  g_assert_cmpstr (state, ==, "revoked");

  /* With room again, one round brings in every member, once; the next finds nothing new. */
  sync_ok (&hq, 0);
  sync_ok (&hq, 0);
  {
    g_autoptr(GhStore) a = open_store (&hq, 0);
    g_assert_cmpint (gh_test_store_int (a, "SELECT count (*) FROM customer"
                                           " WHERE ref LIKE 'm-full-%'", NULL), ==, 5000);
    g_assert_cmpint (gh_test_store_int (a, "SELECT count (DISTINCT ref) FROM customer"
                                           " WHERE ref LIKE 'm-full-%'", NULL), ==, 5000);
  }
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "audit", "verify", "--db", hq.paths[0], NULL),
                   ==, 0);
  hq_tear_down (&hq);
}

/* ---- killed rounds --------------------------------------------------------------- */

typedef struct {
  GhHqSyncStage stage;
  int           nth;
  int           seen;
} KillPlan;

static void
die_at (GhHqSyncStage  stage,
        gint64         change_no,
        gpointer       user_data)
{
  KillPlan *plan = user_data;

  if (stage == plan->stage && plan->seen++ == plan->nth)
    raise (SIGKILL);
}

static char *self_path;

/* The round runs in a fresh process (this test binary again, see main): a child forked
 * from a process with threads may inherit a lock some thread held. */
static int
kill_round_child (char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (argv[2], GH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(GhTrust) trust = gh_trust_new_from_file (argv[4], &error);
  g_autoptr(GhHq) link = store != NULL ? gh_hq_connect (argv[3], &error) : NULL;
  KillPlan plan = { atoi (argv[5]), atoi (argv[6]), 0 };
  GhHqSyncOptions options = { .trust = trust, .page = 2, .progress = die_at,
                              .user_data = &plan };

  if (link != NULL && gh_hq_sync (link, store, &options, NULL, &error))
    return 0;
  g_printerr ("round failed: %s\n", error->message);
  return 1;
}

static int
round_killed_at (Hq       *hq,
                 KillPlan *plan)
{
  g_autofree char *stage = g_strdup_printf ("%d", plan->stage);
  g_autofree char *nth = g_strdup_printf ("%d", plan->nth);
  const char *argv[] = { self_path, "--kill-round", hq->paths[0], hq->conninfo[0], hq->trust,
                         stage, nth, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  return status;
}

static void
test_kill (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  GhHqSyncStage stages[] = { GH_HQ_SYNC_PUSHED, GH_HQ_SYNC_REGISTERED, GH_HQ_SYNC_SETTLED,
                             GH_HQ_SYNC_STAGED_PAGE, GH_HQ_SYNC_BUNDLE, GH_HQ_SYNC_APPLIED_ONE,
                             GH_HQ_SYNC_HEARTBEAT };
  const char *purposes[] = { "marketing.email", "personalize.offers" };
  int killed = 0;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_kill");
  db = gh_test_pg_admin (pg, "faults_kill");

  for (guint round = 0; round < G_N_ELEMENTS (stages) * 2; round++)
    {
      GhHqSyncStage stage = stages[round % G_N_ELEMENTS (stages)];
      /* The second time round, the second page staged and the second change applied. */
      gboolean repeats = stage == GH_HQ_SYNC_STAGED_PAGE || stage == GH_HQ_SYNC_APPLIED_ONE;
      KillPlan plan = { stage, repeats ? (int) (round / G_N_ELEMENTS (stages)) : 0, 0 };
      g_autofree char *config = gh_test_bundle_config (2 + round);
      g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, hq.prefix);
      g_autofree char *name = g_strdup_printf ("v%u.bundle", 2 + round);
      g_autofree char *path = gh_test_bundle_write (hq.dir, name, bundle);
      g_autofree char *line = NULL;
      g_autofree char *ref = g_strdup_printf ("m-new-%u", round);
      g_autofree char *loyalty = g_strdup_printf ("73000001%05u", round);
      int status;

      /* Work everywhere: a local change, decisions from the phone, a new member, a bundle. */
      set_consent (&hq, 0, purposes[round % 2], round % 3 ? GH_CONSENT_GRANTED
                                                          : GH_CONSENT_REVOKED);
      for (int d = 0; d < 3; d++)
        {
          g_autofree char *sql = g_strdup_printf (
              "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, origin)"
              " VALUES ('" REF "', '%s', '%s', now (), 'portal')", purposes[(round + d) % 2],
              (round + d) % 2 ? "granted" : "revoked");
          gh_test_pg_exec (db, sql);
        }
      line = gh_test_member_line (ref, loyalty, "New Member", "new@example.org", "[\"store-1\"]");
      gh_test_hq_member_change (db, ref, "{store-1}", line);
      g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "hq", "publish", "--postgres", hq.admin,
                                        path, NULL), ==, 0);

      status = round_killed_at (&hq, &plan);
      g_test_message ("round %u: stage %d: %s", round, plan.stage,
                      WIFSIGNALED (status) ? "killed" : "finished");
      if (WIFSIGNALED (status))
        {
          g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
          killed++;
        }
      else
        g_assert_cmpint (WEXITSTATUS (status), ==, 0);

      /* The next round converges. */
      sync_ok (&hq, 0);
      sync_ok (&hq, 0);
      {
        g_autoptr(GhStore) a = open_store (&hq, 0);
        gint64 version = 0;
        g_autoptr(GBytes) active = gh_store_get_active_config (a, &version, NULL);

        g_assert_cmpint (gh_fleet_pending_count (a, NULL), ==, 0);
        g_assert_cmpint (version, ==, 2 + round);
        g_assert_cmpint (gh_test_store_int (a, "SELECT count (*) FROM customer WHERE ref = ?1",
                                            ref), ==, 1);
      }
      for (int p = 0; p < 2; p++)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT state FROM glasshouse.consent_current"
                                                  " WHERE customer_ref = '" REF "'"
                                                  " AND purpose_id = '%s'", purposes[p]);
          g_autofree char *at_hq = gh_test_pg_value (db, sql);
          g_autofree char *here = store_consent (&hq, 0, purposes[p]);

          g_assert_cmpstr (here, ==, at_hq);
        }
      assert_events_once (&hq, db, 0);
    }
  g_assert_cmpint (killed, ==, G_N_ELEMENTS (stages) * 2);
  hq_tear_down (&hq);
}

/* ---- clocks ---------------------------------------------------------------------- */

static void
ctl_with_clock (const char *shift,
                const char *first,
                ...)
{
  g_autofree char *shim = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "tests",
                                            "libgh-test-clock-shift.so", NULL);
  const char *args[16];
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list ap;
  guint n = 0;
  int status;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    args[n++] = arg;
  va_end (ap);
  args[n] = NULL;
  g_setenv ("LD_PRELOAD", shim, TRUE);
  g_setenv ("GH_TEST_CLOCK_SHIFT", shift, TRUE);
  status = gh_test_run_ctlv (&out, &err, args);
  g_unsetenv ("LD_PRELOAD");
  g_unsetenv ("GH_TEST_CLOCK_SHIFT");
  if (status != 0)
    gh_test_fail ("glasshouse-ctl %s: exit %d: %s%s", first, status, out, err);
}

static void
test_clock (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autofree char *here = NULL;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_clock");
  db = gh_test_pg_admin (pg, "faults_clock");

  /* A runs an hour fast: its grant, made first, says it is an hour later than B's revoke. */
  ctl_with_clock ("3600", "consent", "set", "--db", hq.paths[0], LOYALTY, "personalize.offers",
                  "granted", NULL);
  ctl_with_clock ("3600", "sync", "--db", hq.paths[0], "--postgres", hq.conninfo[0], NULL);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE kiosk_id = 'kiosk-a'"
                                       "   AND decided_at > now () + interval '50 minutes'"), ==, 1);
  ctl_with_clock ("0", "consent", "set", "--db", hq.paths[1], LOYALTY, "personalize.offers",
                  "revoked", NULL);
  sync_ok (&hq, 1);

  /* By the devices' clocks the grant is later: that is the trap. */
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT state FROM glasshouse.decision"
                                         " WHERE ref = '" REF "'"
                                         "   AND purpose_id = 'personalize.offers'"
                                         " ORDER BY decided_at DESC LIMIT 1"), ==, "granted");
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT state FROM glasshouse.consent_current"
                                         " WHERE customer_ref = '" REF "'"
                                         "   AND purpose_id = 'personalize.offers'"), ==, "revoked");
  ctl_with_clock ("3600", "sync", "--db", hq.paths[0], "--postgres", hq.conninfo[0], NULL);
  here = store_consent (&hq, 0, "personalize.offers");
  g_assert_cmpstr (here, ==, "revoked");
  g_clear_pointer (&here, g_free);

  /* The shopper grants again at A, later in real time: that one wins. */
  ctl_with_clock ("3600", "consent", "set", "--db", hq.paths[0], LOYALTY, "personalize.offers",
                  "granted", NULL);
  ctl_with_clock ("3600", "sync", "--db", hq.paths[0], "--postgres", hq.conninfo[0], NULL);
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT state FROM glasshouse.consent_current"
                                         " WHERE customer_ref = '" REF "'"
                                         "   AND purpose_id = 'personalize.offers'"), ==, "granted");
  sync_ok (&hq, 1);
  here = store_consent (&hq, 1, "personalize.offers");
  g_assert_cmpstr (here, ==, "granted");
  g_clear_pointer (&here, g_free);

  /* A grant that reaches HQ after a revocation its device dates later (B an hour slow,
   * offline): in doubt, the more private answer stays. */
  ctl_with_clock ("0", "consent", "set", "--db", hq.paths[0], LOYALTY, "marketing.email",
                  "revoked", NULL);
  ctl_with_clock ("-3600", "consent", "set", "--db", hq.paths[1], LOYALTY, "marketing.email",
                  "revoked", NULL);
  ctl_with_clock ("-3600", "consent", "set", "--db", hq.paths[1], LOYALTY, "marketing.email",
                  "granted", NULL);
  ctl_with_clock ("3600", "sync", "--db", hq.paths[0], "--postgres", hq.conninfo[0], NULL);
  ctl_with_clock ("-3600", "sync", "--db", hq.paths[1], "--postgres", hq.conninfo[1], NULL);
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT state FROM glasshouse.consent_current"
                                         " WHERE customer_ref = '" REF "'"
                                         "   AND purpose_id = 'marketing.email'"), ==, "revoked");
  hq_tear_down (&hq);
}

/* ---- visits, HQ down ---------------------------------------------------------------- */

static void
wait_until_loaded (GhKiosk *kiosk)
{
  while (gh_kiosk_get_loading (kiosk))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_visit_and_hq_down (void)
{
  Hq hq = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autoptr(GhKiosk) kiosk = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *down = NULL;
  g_autofree char *state = NULL;

  REQUIRE_PG ();
  hq_set_up (&hq, "faults_visit");
  db = gh_test_pg_admin (pg, "faults_visit");

  /* The kiosk program runs on B's store, a shopper's visit is on. */
  kiosk = gh_kiosk_new (hq.paths[1], NULL, hq.trust, FALSE);
  gh_kiosk_load (kiosk);
  wait_until_loaded (kiosk);
  gh_kiosk_begin_visit (kiosk);
  gh_test_pg_exec (db, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at,"
                       " origin) VALUES ('" REF "', 'marketing.email', 'revoked', now (), 'crm')");
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "sync", "--json", "--db", hq.paths[1],
                                    "--postgres", hq.conninfo[1], NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"deferred_for_visit\" : true"));
  state = store_consent (&hq, 1, "marketing.email");
  g_assert_cmpstr (state, ==, "granted");
  g_clear_pointer (&state, g_free);

  /* The visit ends: the kiosk applies it before the next sign-in. */
  gh_kiosk_end_visit (kiosk);
  wait_until_loaded (kiosk);
  state = store_consent (&hq, 1, "marketing.email");
  g_assert_cmpstr (state, ==, "revoked");
  g_clear_pointer (&state, g_free);

  /* A bundle published while the kiosk program runs goes to its inbox, which verifies it
   * with the kiosk's trust and applies it. */
  {
    g_autofree char *config = gh_test_bundle_config (2);
    g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, hq.prefix);
    g_autofree char *path = gh_test_bundle_write (hq.dir, "v2.bundle", bundle);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "hq", "publish", "--postgres", hq.admin, path,
                                      "--stores", "store-1", NULL), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (&out, &err, "sync", "--json", "--db", hq.paths[1],
                                      "--postgres", hq.conninfo[1], "--trust", hq.trust, NULL),
                     ==, 0);
    g_assert_nonnull (strstr (out, "\"bundles_to_inbox\" : 1"));
    while (gh_kiosk_get_catalog (kiosk) == NULL
           || gh_catalog_get_version (gh_kiosk_get_catalog (kiosk)) != 2)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      }
  }
  g_clear_object (&kiosk);

  /* HQ down: exit 3, one line, the store as it was, the outbox kept. */
  set_consent (&hq, 1, "personalize.offers", GH_CONSENT_REVOKED);
  down = g_strdup_printf ("host=127.0.0.1 port=%d dbname=x user=x connect_timeout=2",
                          gh_test_free_port ());
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "sync", "--db", hq.paths[1], "--postgres", down,
                                    NULL), ==, 3);
  g_assert_nonnull (strstr (err, "unreachable"));
  {
    g_autoptr(GhStore) b = open_store (&hq, 1);
    gint64 checked = 0, bad = 0;

    g_assert_cmpint (gh_store_outbox_count (b, NULL), >, 0);
    g_assert_true (gh_store_verify_chain (b, &checked, &bad, NULL));
  }
  /* What the staff page shows: the link fails, and why; HQ had approved the kiosk. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "health", "--json", "--db", hq.paths[1], NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"failing\" : \"HQ "));
  g_assert_nonnull (strstr (out, "unreachable"));
  g_assert_nonnull (strstr (out, "\"approval\" : \"approved\""));
  sync_ok (&hq, 1);
  assert_events_once (&hq, db, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "health", "--json", "--db", hq.paths[1], NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"failing\" : null"));
  /* Back in touch, the kiosk tells HQ why it was silent. */
  g_assert_nonnull (strstr (gh_test_pg_value (db, "SELECT last_error FROM glasshouse.kiosk_health"
                                                  " WHERE kiosk_id = 'kiosk-b'"), "unreachable"));
  hq_tear_down (&hq);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 7 && g_str_equal (argv[1], "--kill-round"))
    return kill_round_child (argv);
  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start_sealed (FALSE, &pg_skip_reason);
  g_test_add_func ("/fleet-faults/arrival", test_arrival);
  g_test_add_func ("/fleet-faults/decision-clash", test_decision_clash);
  g_test_add_func ("/fleet-faults/disk-full", test_disk_full);
  g_test_add_func ("/fleet-faults/kill", test_kill);
  g_test_add_func ("/fleet-faults/clock", test_clock);
  g_test_add_func ("/fleet-faults/visit-and-hq-down", test_visit_and_hq_down);
  return gh_test_run_and_free (pg, (GDestroyNotify) gh_test_pg_stop, pg_skip_reason);
}
