/* gh_process_harden: the kiosk process's own protections for shoppers' data. A crash
 * dump, a debugger of the same user, or simply the heap of a long-running kiosk could
 * otherwise hand the last shoppers' names and e-mail addresses to whoever looks; the
 * kiosk unit says the same with LimitCORE=0 and G_SLICE=always-malloc.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-process.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Any value works; this one is easy to spot in a debugger. */
#define FREED_MEMORY_BYTE 0xa5

/* glibc wipes a freed block (M_PERTURB) only on its way to the arena: blocks it keeps in
 * its per-thread cache (tcache, up to 7 of each small size, which is where short strings
 * such as a name or an e-mail go) are never wiped. The cache can only be turned off by
 * GLIBC_TUNABLES, which glibc reads when a program starts; so a kiosk started without it
 * (the unit sets it) starts itself again with it, once. */
static void
restart_with_tunables (char **argv)
{
  const char *tunables = g_getenv ("GLIBC_TUNABLES");
  g_autofree char *wanted = NULL;

  if (argv == NULL || argv[0] == NULL || g_getenv ("GLASSHOUSE_RESTARTED") != NULL
      || (tunables != NULL && strstr (tunables, GH_PROCESS_MALLOC_TUNABLES) != NULL))
    return;
  wanted = tunables != NULL && *tunables != '\0'
           ? g_strconcat (tunables, ":", GH_PROCESS_MALLOC_TUNABLES, NULL)
           : g_strdup (GH_PROCESS_MALLOC_TUNABLES);
  g_setenv ("GLIBC_TUNABLES", wanted, TRUE);
  /* Once only, whatever glibc makes of the variable (it rewrites GLIBC_TUNABLES). */
  g_setenv ("GLASSHOUSE_RESTARTED", "1", TRUE);
  execv ("/proc/self/exe", argv);
  /* No /proc: run on without the cache turned off; M_PERTURB still wipes the rest. */
  g_warning ("Could not restart with freed memory wiped: %s", g_strerror (errno));
}

void
gh_process_harden (char **argv)
{
  const struct rlimit no_core = { 0, 0 };

  restart_with_tunables (argv);
  setrlimit (RLIMIT_CORE, &no_core);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* glibc overwrites every block as it is freed (and fills new ones), at the cost of a
   * memset per free: small next to a frame of GTK drawing. */
  mallopt (M_PERTURB, FREED_MEMORY_BYTE);
  /* GLib 2.74's slice allocator keeps freed blocks in its own caches, where no free()
   * would wipe them. Read when GLib first slices, which is after main() starts. */
  g_setenv ("G_SLICE", "always-malloc", FALSE);
  /* Past a file-size limit, a failed write the store rolls back and reports, not a
   * silent death (as in glasshouse-ctl). */
  signal (SIGXFSZ, SIG_IGN);
}
