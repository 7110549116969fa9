/* What the HQ import and report tests and the report benchmark share: a fresh HQ
 * database with the schema, a signed config published into glasshouse.bundle with
 * its trust file, and glasshouse-members/1 feeds written to disk.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gh-test-pg.h"

G_BEGIN_DECLS

typedef struct {
  char *dbname;
  char *conninfo;     /* the superuser over TCP: what glasshouse-ctl is given */
  char *dir;          /* a temp folder for keys, bundles and feeds */
  char *trust_path;   /* DIR/hq.pub */
  char *bundle_path;  /* DIR/config.bundle: the bundle published */
} GhTestHq;

/* A new database on @pg with HQ's schema; @config (JSON text) signed with a new key
 * and, when @publish, inserted into glasshouse.bundle as hq publish would. */
GhTestHq *gh_test_hq_new        (GhTestPg    *pg,
                                 const char  *config,
                                 gboolean     publish);
void      gh_test_hq_free       (GhTestHq    *hq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhTestHq, gh_test_hq_free)

/* Writes DIR/NAME: the feed header, then @lines (each a JSON object, no newline). */
char     *gh_test_hq_write_feed (GhTestHq           *hq,
                                 const char         *name,
                                 const char * const *lines);

/* Runs glasshouse-ctl hq import for @feed_path against @hq (with --trust, --json and
 * the extra NULL-terminated arguments); returns the exit code. */
int       gh_test_hq_import     (GhTestHq           *hq,
                                 const char         *feed_path,
                                 char              **out,
                                 char              **err,
                                 ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
