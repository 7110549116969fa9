/* GhScanBurst: recognises a card scanner's burst of digits and Enter by its timing,
 * so that a swipe on the attract screen starts a visit while a person pressing keys
 * on a keyboard does not.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-scan-burst.h"

#include <string.h>

/* The loyalty number's length, as the member feed defines it. */
#define MIN_DIGITS 6
#define MAX_DIGITS 19

struct _GhScanBurst
{
  char    digits[MAX_DIGITS + 1];
  guint   length;
  guint32 last_time;
  /* A burst that has already gone wrong (too slow, too long) waits for the next
   * non-digit before it can start again: its tail must not look like a short scan. */
  gboolean spoilt;
};

GhScanBurst *
gh_scan_burst_new (void)
{
  return g_new0 (GhScanBurst, 1);
}

void
gh_scan_burst_free (GhScanBurst *self)
{
  if (self == NULL)
    return;
  gh_scan_burst_reset (self);
  g_free (self);
}

void
gh_scan_burst_reset (GhScanBurst *self)
{
  /* The digits are a loyalty number: do not leave them lying in memory. */
  memset (self->digits, 0, sizeof self->digits);
  self->length = 0;
  self->spoilt = FALSE;
}

static gboolean
in_time (GhScanBurst *self,
         guint32      time_ms)
{
  /* Unsigned difference: the X server's millisecond clock wraps after 49 days. */
  return (guint32) (time_ms - self->last_time) <= GH_SCAN_BURST_MAX_GAP_MS;
}

char *
gh_scan_burst_feed (GhScanBurst *self,
                    gunichar     key,
                    guint32      time_ms)
{
  char *number = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (key >= '0' && key <= '9')
    {
      if (self->length > 0 && !in_time (self, time_ms))
        {
          /* Too slow: a person. This digit may begin a scan of its own, though. */
          gh_scan_burst_reset (self);
        }
      if (self->spoilt)
        ;
      else if (self->length == MAX_DIGITS)
        self->spoilt = TRUE;
      else
        self->digits[self->length++] = (char) key;
      self->last_time = time_ms;
      return NULL;
    }

  if (key == '\n' && !self->spoilt && self->length >= MIN_DIGITS && in_time (self, time_ms))
    number = g_strndup (self->digits, self->length);
  gh_scan_burst_reset (self);
  return number;
}
