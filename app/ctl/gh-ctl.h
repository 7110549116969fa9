/* What every glasshouse-ctl subcommand shares: option parsing with --db,
 * opening the store, and the contract's error line and exit codes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "config/gh-json-build.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

/* The exit codes of the command-line contract (DESIGN.md). */
enum {
  GH_CTL_EXIT_OK       = 0,
  GH_CTL_EXIT_USAGE    = 2,
  GH_CTL_EXIT_REJECTED = 3,
  GH_CTL_EXIT_STORE    = 4,
};

#define GH_CTL_ERROR (gh_ctl_error_quark ())
GQuark gh_ctl_error_quark (void);

typedef enum {
  GH_CTL_ERROR_USAGE,     /* exit 2 */
  GH_CTL_ERROR_REJECTED,  /* exit 3 */
} GhCtlError;

/* Options every subcommand has. */
typedef struct {
  char     *db_path;
  gboolean  json;
} GhCtlCommon;

typedef int (*GhCtlFunc) (int argc, char **argv);

typedef struct {
  const char *group;       /* "customer", or the command itself for single words */
  const char *verb;        /* "show", or NULL */
  GhCtlFunc   func;
  const char *args;        /* usage after the words, e.g. "LOYALTY_ID [--json]" */
  const char *summary;
} GhCtlCommand;

/* Parses @argv (argv[0] is the command name) with @entries plus --db and, when
 * @with_json, --json. Positional arguments stay in @argv; there must be exactly
 * @n_positional of them (-1: any number). On error prints the usage line and
 * returns FALSE; the caller exits with GH_CTL_EXIT_USAGE. */
gboolean  gh_ctl_parse          (int            *argc,
                                 char         ***argv,
                                 const char     *usage,
                                 GOptionEntry   *entries,
                                 gboolean        with_json,
                                 int             n_positional,
                                 GhCtlCommon    *common);
void      gh_ctl_common_clear   (GhCtlCommon    *common);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GhCtlCommon, gh_ctl_common_clear)

/* Opens the store named by --db (or $GLASSHOUSE_DB, or glasshouse.conf's [kiosk] db, or
 * ./glasshouse.db). */
GhStore  *gh_ctl_open_store     (GhCtlCommon    *common,
                                 gboolean        create,
                                 GError        **error);

/* Prints "glasshouse-ctl: error: ..." on one line and returns its exit code. */
int       gh_ctl_fail           (GError         *error);
/* The --actor option's value (@text, "cli" when NULL) parsed as a GhActor; NULL
 * after printing the error: the caller exits with GH_CTL_EXIT_USAGE. */
GhActor  *gh_ctl_parse_actor    (const char     *text);
int       gh_ctl_exit_code_for  (const GError   *error);

/* Prints a JSON node to stdout, pretty, with a final newline. */
void      gh_ctl_print_json     (JsonNode       *node);
/* "2026-03-12" for unix seconds, in UTC. */
char     *gh_ctl_format_date    (gint64          unix_seconds);

G_END_DECLS
