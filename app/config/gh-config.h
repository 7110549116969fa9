/* Applying HQ configuration bundles to a kiosk's store: the checks in DESIGN.md's
 * order, one transaction per change, refusals recorded, rollback, status, and
 * the demo bundle.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_CONFIG_ERROR (gh_config_error_quark ())
GQuark gh_config_error_quark (void);

typedef enum {
  GH_CONFIG_ERROR_REPLAY,       /* version not above the highest this kiosk ever applied */
  GH_CONFIG_ERROR_EXPIRED,      /* expires_at has passed */
  GH_CONFIG_ERROR_WRONG_STORE,  /* "stores" does not list this kiosk's store */
  GH_CONFIG_ERROR_NO_PREVIOUS,  /* rollback with nothing to go back to */
  GH_CONFIG_ERROR_DEMO,         /* the demo bundle or demo key is not installed */
} GhConfigError;

/* How many configs a kiosk keeps for rollback (the active one included). */
#define GH_CONFIG_KEEP 5

/* Checks @bundle, then makes it the active config in one transaction with a
 * config.applied event (actor "hq"). On a refusal, records a config.rejected
 * event naming the JSON path and reason (and @source, e.g. the file name, if
 * not NULL) in a transaction of its own; nothing else changes. Returns the new
 * catalog. */
GhCatalog *gh_config_apply          (GhStore      *store,
                                     GBytes       *bundle,
                                     GhTrust      *trust,
                                     const char   *source,
                                     GError      **error);
/* gh_config_apply on a file read with gh_bundle_read_file (@flags); a file too
 * large is refused (and recorded) without being read past the limit. */
GhCatalog *gh_config_apply_file     (GhStore         *store,
                                     const char      *path,
                                     GhTrust         *trust,
                                     GhFileReadFlags  flags,
                                     GError         **error);
/* Whether @error is a refusal of the bundle itself (recorded as config.rejected),
 * rather than a problem of the store, the trust file or the file system. */
gboolean   gh_config_is_rejection   (const GError *error);

/* Re-activates the config before the active one, with a config.rolled_back
 * event. The highest version applied stays as it was, so the bundle rolled back
 * from cannot be applied again: HQ issues a new version instead. */
GhCatalog *gh_config_rollback       (GhStore      *store,
                                     GError      **error);

/* The highest config version this kiosk has ever applied (0: none). */
gint64     gh_config_get_highest_version (GhStore *store,
                                          GError **error);

typedef struct {
  gint64  version;           /* the active config; 0 when none */
  char   *issued_at;
  char   *expires_at;
  char   *applied_at;
  char   *key_id;
  gint64  highest_version;   /* a new bundle must be above this */
  gint64  previous_version;  /* what rollback would re-activate; 0 when none */
  char   *store_id;          /* this kiosk's store (meta store_id), or NULL: any */
  /* The last refusal, or all NULL. */
  char   *rejected_at;
  char   *rejected_path;
  char   *rejected_reason;
  char   *rejected_source;
} GhConfigStatus;

void            gh_config_status_free (GhConfigStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhConfigStatus, gh_config_status_free)

GhConfigStatus *gh_config_get_status  (GhStore      *store,
                                       GError      **error);

/* The demo: data/demo/config.json signed at build time with the demo-only key.
 * The trust of a kiosk in --demo mode: the demo key (plus its own trust file). */
GhTrust   *gh_config_new_demo_trust (GError      **error);
/* Where the signed demo bundle is (build folder, then the installed data), or NULL. */
char      *gh_config_find_demo_bundle (void);
/* Applies the demo bundle through the real verify + apply path. Succeeds without
 * writing anything when that very config is already active. */
gboolean   gh_config_apply_demo     (GhStore      *store,
                                     GError      **error);

G_END_DECLS
