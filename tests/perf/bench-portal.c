/* The portal on loopback: 1,000 concurrent GET /r/TOKEN (token verified with the
 * approved kiosk keys, the receipt read from a real PostgreSQL, the page
 * rendered) against a bare libsoup handler returning a fixed page of the same
 * size, in the same run, with the same client. Target: p99 within 3x of the
 * bare handler's. Then the PIN check: argon2id at the kiosk's cost on one core
 * (sign-ins per second), and sign-ins through the portal.
 * GLASSHOUSE_BENCH_PORTAL_REQUESTS=N changes the number of requests.
 * Exit status 1 when the p99 target is missed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "auth/gh-auth.h"
#include "auth/gh-auth-private.h"
#include "gh-portal-fixture.h"
#include "gh-portal-phone.h"
#include "gh-test-utils.h"

/* ---- a bare server, a process of its own as the portal is ----------------------- */

static void
bare_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer data)
{
  GBytes *page = data;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (page, NULL), g_bytes_get_size (page));
}

/* bench-portal --bare-server PAGE: serves PAGE's bytes on a free loopback port, prints
 * the port, and runs until its parent dies. */
static int
run_bare_server (const char *page_path)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  GBytes *page;
  GSList *uris;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  g_assert_true (g_file_get_contents (page_path, &text, &length, NULL));
  page = g_bytes_new (text, length);
  soup_server_add_handler (server, NULL, bare_handler, page, NULL);
  {
    /* The same listen backlog as the portal's: a bare server, not a handicapped one. */
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) where = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, &error);
    if (socket == NULL || !g_socket_bind (socket, where, TRUE, &error))
      return 3;
    g_socket_set_listen_backlog (socket, 1024);
    if (!g_socket_listen (socket, &error) || !soup_server_listen_socket (server, socket, 0, &error))
      return 3;
  }
  uris = soup_server_get_uris (server);
  printf ("%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (loop);
  return 0;
}

static GSubprocess *
start_bare_server (const char *self_path,
                   const char *page_path,
                   int        *port)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path,
                                           "--bare-server", page_path, NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  *port = atoi (line);
  return process;
}

/* ---- the client ------------------------------------------------------------------ */

typedef struct {
  GArray    *latencies;   /* double ms */
  int        pending;
  int        failed;
  GMainLoop *loop;
} Run;

typedef struct {
  Run    *run;
  gint64  start;
} One;

static void
one_done (GObject *source, GAsyncResult *result, gpointer data)
{
  One *one = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  double ms = (g_get_monotonic_time () - one->start) / 1000.0;

  if (body == NULL || soup_message_get_status (msg) != 200)
    one->run->failed++;
  g_array_append_val (one->run->latencies, ms);
  if (--one->run->pending == 0)
    g_main_loop_quit (one->run->loop);
  g_free (one);
}

/* Sends @n requests to @url all at once; fills p50/p99 in ms. */
static double
fire (const char *url, int n, double *p50, double *p99, int *failed)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", n, "max-conns-per-host", n,
                                                                  "timeout", 120, NULL);
  Run run = { g_array_new (FALSE, FALSE, sizeof (double)), n, 0, g_main_loop_new (NULL, FALSE) };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (int i = 0; i < n; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      One *one = g_new0 (One, 1);
      one->run = &run;
      one->start = g_get_monotonic_time ();
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, one_done, one);
    }
  g_main_loop_run (run.loop);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_array_sort (run.latencies, gh_test_compare_doubles);
  *p50 = g_array_index (run.latencies, double, run.latencies->len / 2);
  *p99 = g_array_index (run.latencies, double, MIN (run.latencies->len - 1, run.latencies->len * 99 / 100));
  *failed = run.failed;
  g_array_unref (run.latencies);
  g_main_loop_unref (run.loop);
  return seconds;
}

static gboolean missed;

static char *self_path;

static void
bench_receipt_page (GhPortalFixture *fx)
{
  const char *env = g_getenv ("GLASSHOUSE_BENCH_PORTAL_REQUESTS");
  int n = env != NULL ? MAX (atoi (env), 10) : 1000;
  g_autofree char *portal_url = g_strdup_printf ("http://127.0.0.1:%d/r/%s", fx->port, fx->token);
  g_autofree char *bare_url = NULL;
  g_autofree char *page_path = g_build_filename (fx->dir, "bare-page.html", NULL);
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) sample = NULL;
  g_autoptr(GSubprocess) bare = NULL;
  g_autofree char *base = gh_portal_fixture_base (fx);
  double p50, p99, bare_p50, bare_p99, seconds = 0, bare_seconds = 0;
  int failed, bare_failed, bare_port = 0;

  /* The bare handler serves a page as large as the portal's. */
  phone = gh_phone_new (base);
  sample = gh_phone_get (phone, portal_url + strlen (base));
  g_assert_cmpuint (sample->status, ==, 200);
  g_assert_true (g_file_set_contents (page_path, sample->body, -1, NULL));
  bare = start_bare_server (self_path, page_path, &bare_port);
  bare_url = g_strdup_printf ("http://127.0.0.1:%d/", bare_port);

  /* Warm both (the portal's key cache and its PostgreSQL pool), then measure each twice,
   * in turns, keeping the second: the machine is shared, turns spread its noise. */
  fire (bare_url, 50, &bare_p50, &bare_p99, &bare_failed);
  fire (portal_url, 50, &p50, &p99, &failed);
  for (int round = 0; round < 2; round++)
    {
      bare_seconds = fire (bare_url, n, &bare_p50, &bare_p99, &bare_failed);
      seconds = fire (portal_url, n, &p50, &p99, &failed);
    }
  printf ("# %d concurrent receipt pages (%zu bytes): p50 %.1f ms, p99 %.1f ms, %.0f pages/s, %d failed\n",
          n, strlen (sample->body), p50, p99, n / seconds, failed);
  printf ("# bare libsoup handler, same page, same client: p50 %.1f ms, p99 %.1f ms, %.0f pages/s, %d failed\n",
          bare_p50, bare_p99, n / bare_seconds, bare_failed);
  printf ("# ratio p99 portal / bare: %.2f (target <= 3)\n", p99 / bare_p99);
  g_assert_cmpint (failed, ==, 0);
  g_assert_cmpint (bare_failed, ==, 0);
  if (p99 / bare_p99 > 3.0)
    missed = TRUE;
  g_subprocess_force_exit (bare);
  g_subprocess_wait (bare, NULL, NULL);
}

static void
bench_pin (GhPortalFixture *fx)
{
  g_autofree char *hash = NULL;
  g_autofree char *base = gh_portal_fixture_base (fx);
  gint64 start;
  double one_core, through_portal;
  int n = 10;

  /* One core: argon2id verifies at the kiosk's cost, back to back. */
  hash = gh_auth_hash_pin ("2468");
  _gh_auth_warm_up ();
  start = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    g_assert_true (_gh_auth_verify_constant_cost (hash, "2468"));
  one_core = n / ((g_get_monotonic_time () - start) / 1e6);
  printf ("# PIN check (argon2id t=3, 64 MiB) on one core: %.1f sign-ins/s (%.0f ms each)\n",
          one_core, 1000.0 / one_core);

  /* Through the portal: form, CSRF, HQ row, argon2id in a worker, session. */
  start = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GhPhone) phone = gh_phone_new (base);
      g_assert_cmpuint (gh_phone_sign_in (phone, "4000000002", "0002"), ==, 303);
    }
  through_portal = n / ((g_get_monotonic_time () - start) / 1e6);
  printf ("# sign-ins through the portal, one after another: %.1f/s (ratio to the bare check %.2f)\n",
          through_portal, one_core / through_portal);
}

static void
bench_portal (void)
{
  g_autofree char *skip = NULL;
  GhPortalFixture *fx = gh_portal_fixture_new (&skip);

  if (fx == NULL)
    {
      g_test_skip (skip);
      return;
    }
  gh_portal_fixture_start (fx, FALSE, "pool-size=8\ncode-attempts-per-minute=1000");
  bench_receipt_page (fx);
  bench_pin (fx);
  gh_portal_fixture_free (fx);
}

static void
drop_message (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
}

int
main (int   argc,
      char *argv[])
{
  int status;

  struct rlimit files;

  if (argc == 3 && g_str_equal (argv[1], "--bare-server"))
    return run_bare_server (argv[2]);
  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  /* Two debug lines per connection from GIO would time the logging, not the servers. */
  g_log_set_debug_enabled (FALSE);
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_message, NULL);
  /* 1,000 client sockets here, as many in each server: raise the soft limit to the hard one
   * (the portal inherits it). */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
    }
  g_test_add_func ("/bench/portal", bench_portal);
  status = g_test_run ();
  return status != 0 ? status : missed ? 1 : 0;
}
