/* The portal's languages: every request has its own (the receipt's, the phone's
 * Accept-Language, or the switcher's choice), so gettext's one process-wide
 * language cannot serve it. The portal reads the same po/ catalogue as the kiosk,
 * from the compiled .mo files, into tables that any worker thread may read.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Loads the catalogues of @languages (e.g. {"de", NULL}) from @localedir
 * (NULL: the installed one, or the build folder's when run from there). A
 * language without a catalogue falls back to the English msgids. */
void        gh_portal_i18n_init        (const char         *localedir,
                                        const char * const *languages);

/* @msgid in @language (msgids are English). Thread-safe once initialised. */
const char *gh_portal_gettext          (const char         *language,
                                        const char         *msgid);
/* The same for a msgid with a context, as C_() marks it. */
const char *gh_portal_pgettext         (const char         *language,
                                        const char         *context,
                                        const char         *msgid);
/* The form of @msgid (or @plural, untranslated) for the number @n. */
const char *gh_portal_gettext_plural   (const char         *language,
                                        const char         *msgid,
                                        const char         *plural,
                                        gulong              n);

/* The languages the portal speaks, English first. */
const char * const *gh_portal_i18n_languages (void);
/* Whether @code is one of them. */
gboolean    gh_portal_i18n_supports    (const char         *code);
/* The best of them for an Accept-Language header value, or NULL for none. */
const char *gh_portal_i18n_negotiate   (const char         *accept_language);
/* The language's own name ("Deutsch"), for the switcher. */
const char *gh_portal_i18n_name        (const char         *code);

G_END_DECLS
