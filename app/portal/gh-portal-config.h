/* glasshouse-portal's key file (data/portal/glasshouse-portal.conf is the
 * commented example; docs/portal.md lists every key).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GH_PORTAL_CONFIG_ERROR (gh_portal_config_error_quark ())
GQuark gh_portal_config_error_quark (void);

typedef enum {
  GH_PORTAL_CONFIG_ERROR_INVALID,  /* message: "FILE: [group] key: reason" */
} GhPortalConfigError;

typedef struct {
  char    *address;            /* listen address, an IP literal */
  int      port;               /* 0: any free port (tests) */
  char    *postgres;           /* libpq conninfo; may hold a password, never logged */
  char    *bundle_trust;       /* HQ's bundle keys, the kiosks' trust file format */
  char    *tls_certificate;    /* PEM; with tls_key: serve HTTPS */
  char    *tls_key;
  gboolean behind_proxy;       /* trust X-Forwarded-For/-Proto from a proxy on loopback */
  int      session_minutes;    /* idle lifetime of a signed-in session */
  int      session_max_minutes;/* absolute lifetime */
  int      pool_size;          /* PostgreSQL connections */
  int      request_seconds;    /* whole request, reading included */
  int      max_body_bytes;     /* POST bodies */
  int      code_attempts;      /* short-code tries per client per minute */
  char    *localedir;          /* NULL: the installed catalogues */
  char    *receipt_key;        /* the portal's own receipt-signing key file, or NULL: no receipts */
  char    *portal_id;          /* the issuer id its tokens carry, as a kiosk id */
  char    *hq_staff_file;      /* HQ staff who may read the fleet report; NULL: no /hq pages */
  char    *hq_report_postgres; /* conninfo of an analyst login for the report; never logged */
} GhPortalConfig;

GhPortalConfig *gh_portal_config_new_default (void);
GhPortalConfig *gh_portal_config_load        (const char      *path,
                                              GError         **error);
void            gh_portal_config_free        (GhPortalConfig  *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPortalConfig, gh_portal_config_free)

G_END_DECLS
