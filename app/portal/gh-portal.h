/* GhPortal: the phone's end of the kiosk's QR code, a libsoup-3 server over
 * HQ's PostgreSQL (docs/portal.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "portal/gh-portal-config.h"

G_BEGIN_DECLS

#define GH_TYPE_PORTAL (gh_portal_get_type ())
G_DECLARE_FINAL_TYPE (GhPortal, gh_portal, GH, PORTAL, GObject)

/* Reads the trust file and the TLS files; does not connect to HQ yet. */
GhPortal   *gh_portal_new       (const GhPortalConfig  *config,
                                 GError               **error);
/* Listens on the configured address and port. */
gboolean    gh_portal_listen    (GhPortal              *self,
                                 GError               **error);
/* The port it listens on (after gh_portal_listen). */
int         gh_portal_get_port  (GhPortal              *self);

G_END_DECLS
