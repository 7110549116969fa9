/* LD_PRELOAD for the clock tests: the process's wall clock runs $GH_TEST_CLOCK_SHIFT seconds
 * off (a kiosk whose clock is wrong), as faketime would; monotonic clocks are left alone.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long
shift (void)
{
  const char *text = getenv ("GH_TEST_CLOCK_SHIFT");

  return text != NULL ? atol (text) : 0;
}

int
clock_gettime (clockid_t        clock,
               struct timespec *now)
{
  static int (*real) (clockid_t, struct timespec *);
  int rc;

  if (real == NULL)
    real = (int (*) (clockid_t, struct timespec *)) dlsym (RTLD_NEXT, "clock_gettime");
  rc = real (clock, now);
  if (rc == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE))
    now->tv_sec += shift ();
  return rc;
}

int
gettimeofday (struct timeval *now,
              void           *zone)
{
  struct timespec spec;
  int rc = clock_gettime (CLOCK_REALTIME, &spec);
  struct timeval *out = now;  /* glibc's prototype says non-null; callers may still pass NULL */

  if (rc == 0 && out != NULL)
    {
      out->tv_sec = spec.tv_sec;
      out->tv_usec = spec.tv_nsec / 1000;
    }
  return rc;
}

time_t
time (time_t *out)
{
  struct timespec spec;
  time_t now = clock_gettime (CLOCK_REALTIME, &spec) == 0 ? spec.tv_sec : (time_t) -1;

  if (out != NULL)
    *out = now;
  return now;
}
