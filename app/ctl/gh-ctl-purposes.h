/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/gh-store.h"

G_BEGIN_DECLS

/* Checks that @purpose_id is a purpose of the active configuration and that
 * @state may be set on it (contract and legal-obligation purposes cannot be
 * revoked). Returns the purpose's notice version in @notice_version. */
gboolean gh_ctl_check_purpose (GhStore         *store,
                               const char      *purpose_id,
                               GhConsentState   state,
                               char           **notice_version,
                               GError         **error);

G_END_DECLS
