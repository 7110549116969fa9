/* The kiosk process itself, as the shop runs it: it starts on a display, and it can
 * write no core dump (a crash must not put a shopper's data on disk).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gh-process.h"

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
  /* It restarted itself with glibc's cache off and freed memory wiped (gh-process.c). */
  {
    g_autofree char *environ_path = g_strdup_printf ("/proc/%s/environ",
                                                     g_subprocess_get_identifier (process));
    g_autofree char *environ_text = NULL;
    gsize length = 0;
    gboolean tunables = FALSE;

    for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
         !tunables && g_get_monotonic_time () < deadline;)
      {
        g_clear_pointer (&environ_text, g_free);
        if (g_file_get_contents (environ_path, &environ_text, &length, NULL))
          tunables = memmem (environ_text, length, "GLIBC_TUNABLES=" GH_PROCESS_MALLOC_TUNABLES,
                             strlen ("GLIBC_TUNABLES=" GH_PROCESS_MALLOC_TUNABLES)) != NULL;
        if (!tunables)
          g_usleep (20000);
      }
    g_subprocess_force_exit (process);
    g_subprocess_wait (process, NULL, NULL);
    g_assert_true (limited);
    g_assert_true (tunables);
  }
}

/* Counts the datagrams containing @what that arrive on @fd within @ms milliseconds;
 * with @first_only, returns 1 as soon as one has. */
static guint
read_messages (int         fd,
               const char *what,
               int         ms,
               gboolean    first_only)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint count = 0;

  for (gint64 now; (now = g_get_monotonic_time ()) < deadline;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char buffer[512];
      ssize_t n;

      if (poll (&pfd, 1, (int) ((deadline - now) / 1000) + 1) <= 0)
        continue;
      n = recv (fd, buffer, sizeof buffer - 1, 0);
      if (n <= 0)
        continue;
      buffer[n] = '\0';
      if (strstr (buffer, what) != NULL && ++count == 1 && first_only)
        break;
    }
  return count;
}

static guint
count_messages (int         fd,
                const char *what,
                int         ms)
{
  return read_messages (fd, what, ms, FALSE);
}

/* The unit's watchdog: the kiosk says READY=1 once its window is up, then WATCHDOG=1 from
 * its main loop at half of $WATCHDOG_USEC; a stopped (hung) kiosk stops pinging, which is
 * what makes systemd restart it. Talks to the real binary over a real notify socket. */
static void
test_watchdog (void)
{
  const char *kiosk = g_getenv ("GLASSHOUSE_KIOSK");
  g_autofree char *dir = g_dir_make_tmp ("glasshouse-notify-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "notify", NULL);
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  GPid pid;

  g_assert_nonnull (kiosk);
  g_assert_cmpint (fd, >=, 0);
  g_strlcpy (address.sun_path, socket_path, sizeof address.sun_path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "NOTIFY_SOCKET", socket_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "WATCHDOG_USEC", "400000", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, kiosk, "--windowed", "--db", db, NULL);
  g_assert_no_error (error);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);

  g_assert_cmpuint (read_messages (fd, "READY=1", 20000, TRUE), ==, 1);
  g_assert_cmpuint (count_messages (fd, "WATCHDOG=1", 1500), >=, 4);

  /* A kiosk that no longer runs its main loop no longer pings. */
  kill (pid, SIGSTOP);
  count_messages (fd, "WATCHDOG=1", 300);  /* what was already on its way */
  g_assert_cmpuint (count_messages (fd, "WATCHDOG=1", 1000), ==, 0);
  kill (pid, SIGCONT);
  g_assert_cmpuint (count_messages (fd, "WATCHDOG=1", 1500), >=, 3);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  close (fd);
  unlink (socket_path);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
    (void) !system (command);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/process/no-core-dumps", test_no_core_dumps);
  g_test_add_func ("/kiosk/process/watchdog", test_watchdog);
  return g_test_run ();
}
