/* GhScanBurst: a card scanner's burst is a loyalty number; a person's typing is not.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "visit/gh-scan-burst.h"

/* Types @keys ('\n' for Enter) @gap_ms apart from @start; returns what the last key gave. */
static char *
type (GhScanBurst *burst,
      const char  *keys,
      guint32      start,
      guint32      gap_ms)
{
  char *number = NULL;

  for (guint i = 0; keys[i] != '\0'; i++)
    {
      g_free (number);
      number = gh_scan_burst_feed (burst, (guchar) keys[i], start + i * gap_ms);
    }
  return number;
}

static void
test_scanner_speed (void)
{
  g_autoptr(GhScanBurst) burst = gh_scan_burst_new ();
  g_autofree char *fast = type (burst, "4000000042\n", 1000, 8);
  g_autofree char *edge = type (burst, "4000000042\n", 5000, GH_SCAN_BURST_MAX_GAP_MS);
  /* The X server's millisecond clock wraps; a burst across the wrap is still a burst. */
  g_autofree char *wrapped = type (burst, "4000000042\n", G_MAXUINT32 - 30, 8);

  g_assert_cmpstr (fast, ==, "4000000042");
  g_assert_cmpstr (edge, ==, "4000000042");
  g_assert_cmpstr (wrapped, ==, "4000000042");
}

static void
test_person_speed (void)
{
  g_autoptr(GhScanBurst) burst = gh_scan_burst_new ();
  g_autofree char *slow = type (burst, "4000000042\n", 1000, 120);
  g_autofree char *just_too_slow = type (burst, "4000000042\n", 9000, GH_SCAN_BURST_MAX_GAP_MS + 1);

  g_assert_null (slow);
  g_assert_null (just_too_slow);
}

static void
test_lengths_and_interruptions (void)
{
  g_autoptr(GhScanBurst) burst = gh_scan_burst_new ();
  g_autofree char *short_one = type (burst, "40000\n", 1000, 5);
  g_autofree char *six = type (burst, "400000\n", 2000, 5);
  g_autofree char *nineteen = type (burst, "4000000000000000042\n", 3000, 5);
  g_autofree char *twenty = type (burst, "40000000000000000042\n", 4000, 5);
  g_autofree char *letter = type (burst, "40000a00042\n", 5000, 5);
  g_autofree char *after_letter = type (burst, "4000000042\n", 6000, 5);
  g_autofree char *late_enter = NULL;
  g_autofree char *pause_then_burst = NULL;

  g_assert_null (short_one);
  g_assert_cmpstr (six, ==, "400000");
  g_assert_cmpstr (nineteen, ==, "4000000000000000042");
  g_assert_null (twenty);
  g_assert_null (letter);
  g_assert_cmpstr (after_letter, ==, "4000000042");

  /* Digits at scanner speed but Enter a second later: someone pressed Enter. */
  g_free (type (burst, "4000000042", 7000, 5));
  late_enter = gh_scan_burst_feed (burst, '\n', 8000);
  g_assert_null (late_enter);

  /* A person typed "12", paused, then a card was scanned: the scan alone counts. */
  g_free (type (burst, "12", 9000, 150));
  pause_then_burst = type (burst, "4000000042\n", 10000, 5);
  g_assert_cmpstr (pause_then_burst, ==, "4000000042");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scan-burst/scanner-speed", test_scanner_speed);
  g_test_add_func ("/scan-burst/person-speed", test_person_speed);
  g_test_add_func ("/scan-burst/lengths-and-interruptions", test_lengths_and_interruptions);
  return g_test_run ();
}
