/* Helpers every test shares: a scratch folder, a store with a shopper in it,
 * the active configuration from a JSON file, and running glasshouse-ctl.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

/* Fails the running test here with a message, as a g_assert_* that does not hold
 * does ("ERROR:file:line:function: message"), for checks whose message must name
 * more than g_assert_cmp* can. */
#define gh_test_fail(...) \
  G_STMT_START { \
    char *gh_test_fail_message_ = g_strdup_printf (__VA_ARGS__); \
    g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, gh_test_fail_message_); \
    g_free (gh_test_fail_message_); \
  } G_STMT_END

/* g_test_add with the calling file's own Fixture, fixture_set_up and fixture_tear_down. */
#define GH_TEST_ADD_FIXTURE(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

/* The end of a test program's main: g_test_run (), then @world (what the tests shared:
 * a PostgreSQL cluster, the portal fixture; NULL when it could not be made) given to
 * @free_world and @skip_reason freed; returns g_test_run's status. */
int       gh_test_run_and_free         (gpointer       world,
                                        GDestroyNotify free_world,
                                        char          *skip_reason);

/* Orders doubles smallest first, for qsort and g_array_sort: the medians and
 * percentiles of timings in the tests and benchmarks. */
int       gh_test_compare_doubles      (gconstpointer a,
                                        gconstpointer b);

/* A new empty folder under the system's temp folder, removed with its contents by gh_test_rmdir. */
char     *gh_test_mkdtemp              (void);
void      gh_test_rmdir                (const char  *path);

/* Activates @config_json as if a bundle of that version had been applied.
 * Lets store-level tests run without signing anything. */
void      gh_test_activate_config      (GhStore     *store,
                                        gint64       version,
                                        const char  *config_json);
/* The text of tests/data/@name, found through $GLASSHOUSE_SOURCE_DIR (meson test
 * sets it); fails the test when it cannot be read. */
char     *gh_test_data_read            (const char  *name);
/* The config in tests/data/@name as compact JSON, its "version" set to @version
 * (kept when @version is 0). */
char     *gh_test_data_config          (const char  *name,
                                        gint64       version);
/* tests/data/privacy-config.json, a small but complete config for the PIN, staff
 * and erasure tests: purchase history is under a legal hold (tax law), the rest
 * is not, and its one staff member, "s-0042", has the PIN hash @staff_hash. */
char     *gh_test_privacy_config       (gint64       version,
                                        const char  *staff_hash);
/* tests/data/small-config.json: purposes "marketing.email" (consent),
 * "personalize.offers" (consent), "service.orders" (contract). */
const char *gh_test_small_config       (void);

/* A store at @dir/store.db with gh_test_small_config active and one shopper,
 * loyalty id "1000", ref "ref-1000", with a few data items. */
GhStore  *gh_test_store_with_shopper   (const char  *dir);

/* A new store at @path named @kiosk_id (meta.kiosk_id, read back on reopening),
 * with synchronous = OFF: a test's own writes need not wait for the disk. */
GhStore  *gh_test_kiosk_store_new      (const char  *path,
                                        const char  *kiosk_id);

/* Runs glasshouse-ctl with @args (NULL-terminated) and returns its exit code;
 * @out and @err receive what it printed (either may be NULL). */
int       gh_test_run_ctl              (char       **out,
                                        char       **err,
                                        const char  *first_arg,
                                        ...) G_GNUC_NULL_TERMINATED;
int       gh_test_run_ctlv             (char       **out,
                                        char       **err,
                                        const char * const *args);

/* Reads a whole file as bytes ("" when missing). */
GBytes   *gh_test_read_bytes           (const char  *path);
/* The database at @path and its -wal, -shm and -journal files, byte for byte, as a
 * disk forensic tool sees them. Read them with no store open on @path in this
 * process where it matters: closing a descriptor of the file drops a live
 * connection's locks. */
GBytes   *gh_test_read_store_files     (const char  *path);
gboolean  gh_test_bytes_contain        (GBytes      *haystack,
                                        const char  *needle);

/* Checks a shipped unit pair (data/NAME.service.in with @bindir@, data/TIMER) with
 * systemd-analyze verify, ExecStart pointing at the glasshouse-ctl just built, and
 * that the service runs `glasshouse-ctl @command`. Skips when systemd-analyze is missing. */
void      gh_test_verify_units         (const char  *service_in,
                                        const char  *timer,
                                        const char  *command);

/* Captures every structured log line from now on (debug ones too, when enabled),
 * passing warnings and worse on to stderr as usual. */
void      gh_test_log_capture_start    (void);
/* What was captured since the last gh_test_capture_begin. */
char     *gh_test_log_capture_dup      (void);
/* Sends this process's stderr to @err_path and clears the captured log; returns
 * what gh_test_capture_end needs to put stderr back. */
int       gh_test_capture_begin        (const char  *err_path);
void      gh_test_capture_end          (int          saved);

/* An observed data item, as the store would give it: collected @age_days days
 * before @now, kept until a year after it. */
GhDataItem *gh_test_data_item_new      (gint64       id,
                                        const char  *category,
                                        const char  *attributes,
                                        gint64       now,
                                        gint64       age_days);

/* The integer the one-row query @sql answers on @store, ?1 bound to @text
 * unless it is NULL; fails the test when there is no row. */
gint64    gh_test_store_int            (GhStore     *store,
                                        const char  *sql,
                                        const char  *text);

/* What zbarimg reads from the QR code in @png_path, without the trailing
 * newline; NULL when it finds none. Fails the test when zbarimg cannot run. */
char     *gh_test_zbar_decode          (const char  *png_path);

/* A kiosk store at @db_path with its kiosk keys and data/demo/config.json
 * active as version 1; @catalog receives that config. */
GhStore  *gh_test_demo_kiosk_store     (const char  *db_path,
                                        GhCatalog  **catalog);

/* A clock for gh_auth_set_clock_for_testing that says gh_test_fake_now. */
extern gint64 gh_test_fake_now;
gint64    gh_test_fake_clock           (gpointer     user_data);

/* g_test_init for the tests that check what the code logs: debug messages on,
 * every log line captured (gh_test_log_capture_start), libsodium started. */
void      gh_test_init_capturing       (int         *argc,
                                        char      ***argv);

/* For the PIN tests (test-auth, test-lockout): a store at @dir/store.db with
 * gh_test_privacy_config active, its staff member "s-0042" on @staff_pin, and
 * one shopper (@loyalty_id, ref "ref-known", @name) on @pin. Unless
 * @real_cost, hashes are the cheapest libsodium allows; the sign-in clock is
 * gh_test_fake_clock, starting at 1800000000. */
typedef struct {
  char      *dir;
  char      *path;
  GhStore   *store;
  GhCatalog *catalog;
} GhTestAuthFixture;

void      gh_test_auth_set_up          (GhTestAuthFixture *fixture,
                                        gboolean           real_cost,
                                        const char        *staff_pin,
                                        const char        *loyalty_id,
                                        const char        *name,
                                        const char        *pin);
/* Closes and deletes it all, and puts the real clock and cost back. */
void      gh_test_auth_tear_down       (GhTestAuthFixture *fixture);
/* (Re)reads @fixture's catalog from its store's active config. */
void      gh_test_auth_load_catalog    (GhTestAuthFixture *fixture);

/* Waiting for an _async call: pass gh_test_got_result and a GhTestWait with a
 * main loop as its callback and data; gh_test_wait_for runs the loop until the
 * result came and returns it (the caller clears wait->result). */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} GhTestWait;

void          gh_test_got_result       (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data);
GAsyncResult *gh_test_wait_for         (GhTestWait   *wait);

G_END_DECLS
