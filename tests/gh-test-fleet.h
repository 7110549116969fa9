/* A fleet of kiosk stores pushing into one HQ at once (test-hq and bench-hq-fleet).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gh-test-pg.h"

G_BEGIN_DECLS

typedef struct {
  gint64 events;             /* pushed, and found at HQ exactly once */
  double push_seconds;       /* from starting the pushers to the last one's exit */
  double copy_seconds;       /* one bare COPY of the same rows into a table of the same shape */
  double fan_out_seconds;    /* the same rows as bare COPYs in the push's shape: one new
                              * connection per kiosk, all at once, one transaction per batch */
} GhTestFleetFigures;

/* Makes @kiosks stores of @events_each consent events, runs one `glasshouse-ctl outbox
 * push` per store all at once into a new database @dbname on @pg (as @user/@password,
 * which must be able to log in), asserts every event arrived exactly once, then times
 * the bare-COPY floors. Prints the figures with g_test_message. */
void gh_test_fleet_run (GhTestPg            *pg,
                        const char          *dbname,
                        const char          *user,
                        const char          *password,
                        int                  kiosks,
                        int                  events_each,
                        int                  batch,
                        GhTestFleetFigures  *figures);

/* Reads "KxE" (e.g. "50x2000") from environment variable @name, else the defaults. */
void gh_test_fleet_size (const char *name,
                         int        *kiosks,
                         int        *events_each);

G_END_DECLS
