/* What Read aloud says when a screen appears: what the screen is (the name a screen
 * reader gives its page), what it says, and what can be done there. The dashboard is
 * read from the visit itself, list by list and item by item: each data item with
 * where it came from, each offer with its "because…", each choice with its state.
 * Other screens say their visible words in reading order, then their controls.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-narrator.h"
#include "gh-spoken.h"
#include "gh-ui-text.h"
#include "gh-window-private.h"

/* What can be done on the screens where the controls alone do not tell it. */
static const char *
screen_help (const char *name)
{
  if (g_strcmp0 (name, "attract") == 0)
    /* Translators: read aloud on the welcome screen */
    return _("Press Tab to move between the buttons and Enter to use one. Start begins your "
             "visit.");
  if (g_strcmp0 (name, "identify") == 0)
    /* Translators: read aloud on the sign-in screen */
    return _("Type your loyalty number and press Enter, or scan your card. Then type your PIN "
             "and press Enter. Digits are counted aloud, never read.");
  if (g_strcmp0 (name, "dashboard") == 0)
    /* Translators: read aloud on the shopper's dashboard, after its lists */
    return _("Press Tab to go through your data, your offers and your choices. Each choice is "
             "a switch: Enter turns it off or on, after a preview of what would change.");
  return NULL;
}

static void
add (GPtrArray  *words,
     char       *text)
{
  if (text != NULL && *text != '\0')
    g_ptr_array_add (words, text);
  else
    g_free (text);
}

static void
add_data (GPtrArray *words,
          GhSession *session)
{
  GhCatalog *catalog = gh_session_get_catalog (session);
  const char *language = gh_session_get_language (session);
  GPtrArray *items = gh_session_get_items (session);

  add (words, g_strdup (_("Your data")));
  add (words, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "We hold %u thing about you.",
                                            "We hold %u things about you.", items->len),
                               items->len));
  for (guint i = 0; i < items->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (items, i);
      g_autofree char *summary = gh_ui_item_summary (session, item);
      g_autofree char *date = gh_ui_format_date (item->collected_at);

      /* Translators: one data item read aloud: its category, the item, where it came
       * from and when, e.g. "What you bought: Trail shoes. We saw it, 3 March 2026." */
      add (words, g_strdup_printf (_("%s: %s. %s, %s."),
                                   gh_ui_category_title (catalog, item->category, language),
                                   summary, gh_ui_source_label (item->source), date));
    }
}

static void
add_offers (GPtrArray *words,
            GhSession *session)
{
  GhCatalog *catalog = gh_session_get_catalog (session);
  const char *language = gh_session_get_language (session);
  GPtrArray *offers = gh_session_get_offers (session);

  add (words, g_strdup (_("Your offers")));
  if (offers == NULL || offers->len == 0)
    {
      add (words, g_strdup (_("You have no personal offers right now. Switching choices on may "
                              "bring some; switching them off never costs you your purchases.")));
      return;
    }
  for (guint i = 0; i < offers->len; i++)
    {
      const GhOfferMatch *match = g_ptr_array_index (offers, i);
      g_autoptr(GString) because = g_string_new (NULL);

      for (guint j = 0; match->because != NULL && j < match->because->len; j++)
        {
          const GhDataItem *item = g_ptr_array_index (match->because, j);
          g_autofree char *summary = gh_ui_item_summary (session, item);
          g_autofree char *date = gh_ui_format_date (item->collected_at);

          if (because->len > 0)
            g_string_append (because, "; ");
          g_string_append_printf (because, _("%s: %s, %s"),
                                  gh_ui_category_title (catalog, item->category, language),
                                  summary, date);
        }
      /* Translators: one offer read aloud: its number, how many, its title and text,
       * then the data behind it, e.g. "Offer 1 of 3: 10% off trail shoes. Because:
       * What you bought: Trail shoes, 3 March 2026" */
      add (words, g_strdup_printf (_("Offer %u of %u: %s. %s Because: %s."), i + 1, offers->len,
                                   gh_offer_get_title (match->offer, language),
                                   gh_offer_get_description (match->offer, language),
                                   because->str));
    }
}

static void
add_choices (GPtrArray *words,
             GhSession *session)
{
  GListModel *purposes = gh_catalog_get_purposes (gh_session_get_catalog (session));
  const char *language = gh_session_get_language (session);

  add (words, g_strdup (_("Your choices")));
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      const char *state = !gh_purpose_get_can_revoke (purpose) ? _("Always on")
                          : gh_session_purpose_in_force (session, purpose) ? _("On") : _("Off");

      /* Translators: one choice read aloud: its title, its state ("On", "Off",
       * "Always on") and what it is for */
      add (words, g_strdup_printf (_("%s: %s. %s"), gh_purpose_get_title (purpose, language),
                                   state, gh_purpose_get_description (purpose, language)));
    }
}

/* The page's own words, then what can be done. */
static void
add_page_text (GPtrArray  *words,
               GtkWidget  *page,
               const char *title)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) controls = g_ptr_array_new_with_free_func (g_free);

  gh_spoken_collect (page, texts, controls);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (texts->pdata[i], title) != 0)
      add (words, g_strdup (texts->pdata[i]));
  if (controls->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (controls, NULL);
      joined = g_strjoinv (", ", (char **) controls->pdata);
      /* Translators: read aloud after a screen's words: the names of its buttons and
       * fields, e.g. "You can use: Start, Deutsch, Larger text." */
      add (words, g_strdup_printf (_("You can use: %s."), joined));
    }
}

GPtrArray *
gh_narrator_screen_words (GtkWindow  *window,
                          GtkWidget  *page,
                          const char *name)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  GhSession *session = GH_IS_WINDOW (window) ? gh_window_get_session (GH_WINDOW (window)) : NULL;
  const char *title = gh_window_page_title (name);

  add (words, g_strdup (title));
  if (g_strcmp0 (name, "dashboard") == 0 && session != NULL && !gh_session_get_ended (session))
    {
      add_data (words, session);
      add_offers (words, session);
      add_choices (words, session);
    }
  else
    add_page_text (words, page, title);
  add (words, g_strdup (screen_help (name)));
  return words;
}
