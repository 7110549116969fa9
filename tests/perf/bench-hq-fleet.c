/* The HQ fleet benchmark: 50 kiosk stores of 2,000 consent events each push into one
 * PostgreSQL server at once (fsync on, as in production), and the figure is set against
 * one bare COPY of the same rows into a table of the same shape in the same run, and against
 * the same COPYs in the push's shape (a new connection per kiosk, all at once, a transaction
 * per batch), which tells the cost of the fan-out from the cost of Glasshouse's checks.
 * GLASSHOUSE_HQ_FLEET=KxE and GLASSHOUSE_HQ_FLEET_BATCH=N change the shape.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "gh-test-fleet.h"
#include "hq/gh-hq.h"
#include "gh-test-pg.h"

static void
bench_fleet (void)
{
  g_autofree char *skip = NULL;
  GhTestFleetFigures figures = { 0 };
  const char *batch_env = g_getenv ("GLASSHOUSE_HQ_FLEET_BATCH");
  int kiosks = 50, events = 2000;
  int batch = batch_env != NULL ? atoi (batch_env) : GH_HQ_DEFAULT_BATCH;
  GhTestPg *pg = gh_test_pg_start_sealed (TRUE, &skip);

  if (pg == NULL)
    {
      g_test_skip (skip);
      return;
    }
  {
    g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
    gh_test_pg_exec (admin, "CREATE ROLE kiosk LOGIN PASSWORD 'kiosk-bench'");
  }
  gh_test_fleet_size ("GLASSHOUSE_HQ_FLEET", &kiosks, &events);
  gh_test_fleet_run (pg, "hq_bench", "kiosk", "kiosk-bench", kiosks, events, MAX (batch, 1),
                     &figures);
  printf ("# fleet push: %" G_GINT64_FORMAT " events in %.2f s = %.0f events/s; bare COPY floor:"
          " %.2f s = %.0f events/s; ratio %.2f (target 1.5)\n", figures.events,
          figures.push_seconds, figures.events / figures.push_seconds, figures.copy_seconds,
          figures.events / figures.copy_seconds, figures.push_seconds / figures.copy_seconds);
  printf ("# fan-out floor (%d connections of bare COPYs at once, %d rows a transaction):"
          " %.2f s; ratio %.2f\n", kiosks, MAX (batch, 1), figures.fan_out_seconds,
          figures.push_seconds / figures.fan_out_seconds);
  gh_test_pg_stop (pg);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/hq-fleet", bench_fleet);
  return g_test_run ();
}
