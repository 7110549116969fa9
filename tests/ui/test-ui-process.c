/* The kiosk process itself, as the shop runs it: it starts on a display, and it can
 * write no core dump (a crash must not put a shopper's data on disk).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

static void
test_no_core_dumps (void)
{
  const char *kiosk = g_getenv ("GLASSHOUSE_KIOSK");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limits_path = NULL;
  g_autofree char *limits = NULL;
  gboolean limited = FALSE;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_fail_printf ("no display: run under xvfb-run");
      return;
    }
  g_assert_nonnull (kiosk);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, kiosk, "--windowed", "--db", "/nonexistent/glasshouse.db", NULL);
  g_assert_no_error (error);
  limits_path = g_strdup_printf ("/proc/%s/limits", g_subprocess_get_identifier (process));
  /* main () sets the limit first thing; give the process a moment to get there. */
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       !limited && g_get_monotonic_time () < deadline;)
    {
      g_clear_pointer (&limits, g_free);
      if (g_file_get_contents (limits_path, &limits, NULL, NULL))
        {
          g_autoptr(GRegex) zero = g_regex_new ("^Max core file size +0 +0 ", G_REGEX_MULTILINE, 0,
                                                NULL);
          limited = g_regex_match (zero, limits, 0, NULL);
        }
      if (!limited)
        g_usleep (20000);
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_assert_true (limited);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/process/no-core-dumps", test_no_core_dumps);
  return g_test_run ();
}
