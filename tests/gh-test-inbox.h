/* The inbox tests' fixture: a new store, an HQ key pair and its trust, and a GhInbox
 * on the store whose announcements are collected for the tests to look at.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-config.h"
#include "config/gh-inbox.h"

G_BEGIN_DECLS

typedef struct {
  char      *dir;
  char      *inbox_dir;  /* the inbox's folder (not made yet) */
  char      *key;        /* DIR/hq: the HQ key pair's prefix, for gh_test_bundle_sign */
  GhStore   *store;
  GhTrust   *trust;
  GhInbox   *inbox;
  GPtrArray *changed;    /* GhCatalog, in the order announced */
  GPtrArray *rejected;   /* "NAME: REASON" */
} GhTestInbox;

/* As GTestFixtureFunc, for g_test_add. */
void gh_test_inbox_set_up    (GhTestInbox   *f,
                              gconstpointer  data);
void gh_test_inbox_tear_down (GhTestInbox   *f,
                              gconstpointer  data);

/* Runs the main loop until the inbox has announced @changes new configs and
 * @refusals refused bundles (or more), or fails after @seconds. The loop sleeps until
 * something happens (a folder event, a scan finishing, the deadline). */
void gh_test_inbox_wait      (GhTestInbox   *f,
                              guint          changes,
                              guint          refusals,
                              double         seconds);

G_END_DECLS
