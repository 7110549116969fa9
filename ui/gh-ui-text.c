/* Shopper-facing words for store values (see gh-ui-text.h). Item summaries are
 * the library's (offers/gh-item-text.c), with money and dates written the
 * visit's way.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-i18n.h"
#include "gh-inferred-badge.h"
#include "offers/gh-item-text.h"
#include "gh-ui-text.h"

const char *
gh_ui_source_label (GhSource source)
{
  switch (source)
    {
    case GH_SOURCE_PROVIDED:
      return _("You gave it to us");
    case GH_SOURCE_OBSERVED:
      return _("We saw it");
    case GH_SOURCE_INFERRED:
      return _("We inferred it — a guess, not a fact");
    case GH_SOURCE_THIRD_PARTY:
      return _("A partner gave it to us");
    default:
      return _("Unknown source");
    }
}

const char *
gh_ui_source_icon (GhSource source)
{
  switch (source)
    {
    case GH_SOURCE_PROVIDED:
      return "document-edit-symbolic";
    case GH_SOURCE_OBSERVED:
      return "view-reveal-symbolic";
    case GH_SOURCE_INFERRED:
      return GH_INFERRED_ICON;
    case GH_SOURCE_THIRD_PARTY:
      return "system-users-symbolic";
    default:
      return "dialog-question-symbolic";
    }
}

const char *
gh_ui_legal_basis_label (GhLegalBasis basis)
{
  switch (basis)
    {
    case GH_LEGAL_BASIS_CONSENT:
      return _("Your consent");
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      return _("Our legitimate interest");
    case GH_LEGAL_BASIS_CONTRACT:
      return _("Needed for your purchases");
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
      return _("Required by law");
    default:
      return "";
    }
}

const char *
gh_ui_legal_basis_explain (GhLegalBasis basis)
{
  switch (basis)
    {
    case GH_LEGAL_BASIS_CONSENT:
      return _("We only do this because you said yes. Switch it off at any time.");
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      return _("We do this without asking first, because it is part of running the shop. "
               "You can object: switch it off and we stop.");
    case GH_LEGAL_BASIS_CONTRACT:
      return _("We need this to deliver what you bought, such as orders, returns and warranties, "
               "so it cannot be switched off while you shop with us.");
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
      return _("The law requires us to do this, for example to keep tax records, "
               "so it cannot be switched off.");
    default:
      return "";
    }
}

static char *
format_money (double      amount,
              const char *currency,
              gpointer    user_data)
{
  /* Money is written the visit's way: "€89.00", "89,00 €". */
  return gh_i18n_format_money (amount, currency);
}

static char *
format_date (GDateTime *date,
             gpointer   user_data)
{
  return gh_i18n_format_date (date);
}

static const char *
value_label (const char *attribute,
             const char *value,
             gpointer    user_data)
{
  GhSession *session = user_data;

  return gh_catalog_get_value_label (gh_session_get_catalog (session), attribute, value,
                                     gh_session_get_language (session));
}

char *
gh_ui_item_summary (GhSession        *session,
                    const GhDataItem *item)
{
  GhItemTextFormat format = { format_money, format_date, session, value_label };

  return gh_item_text_summary (item, &format);
}

char *
gh_ui_format_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) date = NULL;

  if (unix_seconds <= 0)
    return g_strdup (_("no date set"));
  date = g_date_time_new_from_unix_local (unix_seconds);
  if (date == NULL)
    return g_strdup (_("no date set"));
  return gh_i18n_format_date (date);
}

const char *
gh_ui_category_title (GhCatalog  *catalog,
                      const char *category_id,
                      const char *language)
{
  GhDataCategory *category = catalog ? gh_catalog_find_data_category (catalog, category_id) : NULL;

  return category != NULL ? gh_data_category_get_title (category, language) : category_id;
}

char *
gh_ui_record_period (int days)
{
  if (days <= 0)
    return NULL;
  if (days % 365 == 0)
    /* Translators: %d is a number of years; said under "Your choices" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "We keep a record of each choice for %d year, to show "
                                         "what you chose.",
                                         "We keep a record of each choice for %d years, to show "
                                         "what you chose.", days / 365), days / 365);
  if (days % 30 == 0)
    /* Translators: %d is a number of months; said under "Your choices" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "We keep a record of each choice for %d month, to show "
                                         "what you chose.",
                                         "We keep a record of each choice for %d months, to show "
                                         "what you chose.", days / 30), days / 30);
  /* Translators: %d is a number of days; said under "Your choices" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "We keep a record of each choice for %d day, to show what "
                                       "you chose.",
                                       "We keep a record of each choice for %d days, to show what "
                                       "you chose.", days), days);
}
