/* Telling a card scanner from a person at a keyboard.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A USB card scanner is a keyboard to the computer: it "types" the loyalty number and
 * Enter in a burst, a few milliseconds per key. GhScanBurst watches keys with their
 * event times and recognises such a burst; slower typing is a person and is not. */
typedef struct _GhScanBurst GhScanBurst;

/* The longest gap between two keys of one scan. Scanners type a key every 2-20 ms;
 * the fastest human typists leave 60 ms or more between keys of a number. */
#define GH_SCAN_BURST_MAX_GAP_MS 40

GhScanBurst *gh_scan_burst_new   (void);
void         gh_scan_burst_free  (GhScanBurst *self);
/* Feeds one key typed at @time_ms (the event's time, in milliseconds): @key is a digit,
 * '\n' for Enter, or anything else (which ends any burst). Returns the loyalty number
 * when this Enter completes a burst of 6 to 19 digits, each within
 * GH_SCAN_BURST_MAX_GAP_MS of the one before; NULL otherwise. */
char        *gh_scan_burst_feed  (GhScanBurst *self,
                                  gunichar     key,
                                  guint32      time_ms);
/* Forgets any digits seen so far (the screen changed). */
void         gh_scan_burst_reset (GhScanBurst *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhScanBurst, gh_scan_burst_free)

G_END_DECLS
