/* glasshouse-ctl hq import: the CRM's member feed into HQ's PostgreSQL, with the
 * kiosk import's checks and reporting (gh-ctl-feed.c) against a config verified
 * with --trust: the newest bundle HQ published, or --config BUNDLE.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <unistd.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-feed.h"
#include "ctl/gh-ctl-hq.h"
#include "hq/gh-hq-import.h"

int
gh_ctl_hq_import (int    argc,
                  char **argv)
{
  const char *usage = "hq import --postgres CONNINFO --trust FILE [--config BUNDLE] FILE|- "
                      "[--rejects PATH] [--json]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *bundle_path = NULL;
  g_autofree char *rejects = NULL;
  int batch = 0;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  GhMemberImportSummary summary = { 0 };
  GhMemberImportOptions options = { 0 };
  GhCtlFeedOutput out = { 0 };
  const char *conninfo;
  gboolean ok;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "The HQ public keys the config's bundle is verified with", "FILE" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      "Check against this bundle (default: the newest in glasshouse.bundle)", "BUNDLE" },
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects,
      "Where refused lines go (default: FILE.rejects; none for stdin)", "PATH" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Members per HQ transaction (default 5000)", "N" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if (trust_path == NULL)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE,
                   "--trust FILE is required: the config the feed is checked against is "
                   "verified as a kiosk verifies it (usage: glasshouse-ctl %s)", usage);
      return gh_ctl_fail (error);
    }
  if (batch < 0 || batch > 1000000)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE, "--batch: expected 1 to 1000000");
      return gh_ctl_fail (error);
    }
  if ((trust = gh_trust_new_from_file (trust_path, &error)) == NULL ||
      (input = gh_ctl_feed_open (argv[1], &out, &error)) == NULL)
    return gh_ctl_fail (error);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL ||
      (catalog = gh_hq_load_catalog (hq, trust, bundle_path, &error)) == NULL)
    return gh_ctl_hq_fail (error);

  if (rejects == NULL && g_strcmp0 (argv[1], "-") != 0)
    rejects = g_strconcat (argv[1], ".rejects", NULL);
  out.rejects_path = rejects;
  out.terminal = isatty (STDERR_FILENO);
  options.catalog = catalog;
  options.batch_lines = batch;
  options.on_refused = gh_ctl_feed_on_refused;
  options.on_progress = gh_ctl_feed_on_progress;
  options.user_data = &out;
  ok = gh_hq_import_members (hq, input, &options, &summary, NULL, &error);
  return gh_ctl_feed_finish (&out, ok, error, &summary, common.json);
}
