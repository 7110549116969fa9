/* Helpers every test shares: a scratch folder, a store with a shopper in it,
 * the active configuration from a JSON file, and running glasshouse-ctl.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

/* A new empty folder under the system's temp folder, removed with its contents by gh_test_rmdir. */
char     *gh_test_mkdtemp              (void);
void      gh_test_rmdir                (const char  *path);

/* Activates @config_json as if a bundle of that version had been applied.
 * Lets store-level tests run without signing anything. */
void      gh_test_activate_config      (GhStore     *store,
                                        gint64       version,
                                        const char  *config_json);
/* A small config: purposes "marketing.email" (consent), "personalize.offers"
 * (consent), "service.orders" (contract). */
extern const char *gh_test_small_config;

/* A store at @dir/store.db with gh_test_small_config active and one shopper,
 * loyalty id "1000", ref "ref-1000", with a few data items. */
GhStore  *gh_test_store_with_shopper   (const char  *dir);

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

G_END_DECLS
