/* GhNoticePage: shown right after signing in when something changed since the
 * shopper last chose. "What changed" for each consent whose notice changed in a
 * way that asks again (the config's words), with "Keep it on" and "Switch it off"
 * (previewed first, like a switch on the dashboard: the offers that would go);
 * each answer is written by the session under the new notice. Below it, "What's
 * new since your last visit" (gh-session-news.h). Continue goes to the dashboard,
 * answered or not: until then the purpose stays as the config says.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-ui-widgets.h"
#include "visit/gh-session-news.h"
#include "gh-notice-page.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"

typedef struct {
  char      *purpose_id;
  GtkWidget *box;
  GtkLabel  *status;
  GtkBox    *preview_list;
  GtkWidget *buttons;
  GtkWidget *keep;
  GtkWidget *off;
  GtkWidget *confirm;
  GtkWidget *back;
} Card;

struct _GhNoticePage
{
  GtkWidget     parent_instance;

  GtkLabel     *title_label;
  GtkLabel     *intro_label;
  GtkBox       *answer_box;
  GtkWidget    *news_heading;
  GtkBox       *news_box;
  GtkButton    *continue_button;

  GhSession    *session;
  GCancellable *cancellable;
  char        **purposes;  /* asked on this page, answered or not, in catalog order */
  GHashTable   *answers;   /* purpose id -> GhConsentState + 1 */
  GPtrArray    *cards;     /* Card*, rebuilt with the language */
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (GhNoticePage, gh_notice_page, GTK_TYPE_WIDGET)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
card_free (Card *card)
{
  g_free (card->purpose_id);
  g_free (card);
}

static const char *
purpose_title (GhNoticePage *self,
               const char   *purpose_id)
{
  GhPurpose *purpose = gh_catalog_find_purpose (gh_session_get_catalog (self->session),
                                                purpose_id);

  return purpose != NULL ? gh_purpose_get_title (purpose, gh_session_get_language (self->session))
                         : purpose_id;
}

static Card *
find_card (GhNoticePage *self,
           const char   *purpose_id)
{
  for (guint i = 0; self->cards != NULL && i < self->cards->len; i++)
    {
      Card *card = g_ptr_array_index (self->cards, i);

      if (g_str_equal (card->purpose_id, purpose_id))
        return card;
    }
  return NULL;
}

guint
gh_notice_page_get_n_open (GhNoticePage *self)
{
  guint open = 0;

  g_return_val_if_fail (GH_IS_NOTICE_PAGE (self), 0);
  for (guint i = 0; self->purposes[i] != NULL; i++)
    if (!g_hash_table_contains (self->answers, self->purposes[i]))
      open++;
  return open;
}

gboolean
gh_notice_page_get_busy (GhNoticePage *self)
{
  g_return_val_if_fail (GH_IS_NOTICE_PAGE (self), FALSE);
  return self->busy;
}

/* What the card says and offers, from its answer (if any) and the preview's state. */
static void
sync_card (GhNoticePage *self,
           Card         *card,
           gboolean      previewing)
{
  gpointer answer = g_hash_table_lookup (self->answers, card->purpose_id);
  GhPurpose *purpose = gh_catalog_find_purpose (gh_session_get_catalog (self->session),
                                                card->purpose_id);

  gtk_widget_set_visible (card->buttons, answer == NULL);
  gtk_widget_set_visible (card->keep, answer == NULL && !previewing);
  gtk_widget_set_visible (card->off, answer == NULL && !previewing);
  gtk_widget_set_visible (card->confirm, answer == NULL && previewing);
  gtk_widget_set_visible (card->back, answer == NULL && previewing);
  gtk_widget_set_sensitive (card->keep, !self->busy);
  gtk_widget_set_sensitive (card->off, !self->busy);
  gtk_widget_set_sensitive (card->back, !self->busy);
  if (!previewing)
    gh_box_remove_all (card->preview_list);

  if (GPOINTER_TO_INT (answer) == GH_CONSENT_GRANTED + 1)
    gtk_label_set_label (card->status, _("You kept it on, under the new notice."));
  else if (GPOINTER_TO_INT (answer) == GH_CONSENT_REVOKED + 1)
    gtk_label_set_label (card->status, _("You switched it off."));
  else if (!previewing)
    gtk_label_set_label (card->status,
                         purpose != NULL && gh_purpose_get_notice_pauses (purpose)
                         ? _("Paused until you choose.")
                         : _("Still on under the old notice until you choose."));
}

static void
sync_continue (GhNoticePage *self)
{
  gboolean open = gh_notice_page_get_n_open (self) > 0;

  gtk_button_set_label (self->continue_button,
                        open ? _("Decide later") : _("Continue to your data"));
  /* While something waits for an answer, the answer is what stands out. */
  if (open)
    gtk_widget_remove_css_class (GTK_WIDGET (self->continue_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->continue_button), "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), !self->busy);
}

static void
set_busy (GhNoticePage *self,
          gboolean      busy)
{
  self->busy = busy;
  for (guint i = 0; i < self->cards->len; i++)
    {
      Card *card = g_ptr_array_index (self->cards, i);

      gtk_widget_set_sensitive (card->keep, !busy);
      gtk_widget_set_sensitive (card->off, !busy);
      gtk_widget_set_sensitive (card->back, !busy);
    }
  sync_continue (self);
}

/* ---- answering -------------------------------------------------------------------- */

typedef struct {
  GhNoticePage   *page;
  char           *purpose_id;
  GhConsentState  state;
  gboolean        paused;  /* previewing a paused purpose: what would not come back */
} Answer;

static void
answer_free (Answer *answer)
{
  g_object_unref (answer->page);
  g_free (answer->purpose_id);
  g_free (answer);
}

static void
answer_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Answer *answer = user_data;
  GhNoticePage *self = answer->page;
  g_autoptr(GError) error = NULL;
  Card *card;

  if (!gh_session_set_consent_finish (GH_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED))
        g_warning ("Saving an answer failed: %s", error->message);
    }
  else
    g_hash_table_insert (self->answers, g_strdup (answer->purpose_id),
                         GINT_TO_POINTER (answer->state + 1));

  if (!gh_session_get_ended (self->session))
    {
      set_busy (self, FALSE);
      card = find_card (self, answer->purpose_id);
      if (card != NULL)
        {
          sync_card (self, card, FALSE);
          if (error != NULL)
            gtk_label_set_label (card->status, _("Your choice could not be saved, so nothing "
                                                 "has changed. Please try again, or ask a "
                                                 "member of staff."));
        }
      sync_continue (self);
      if (gh_notice_page_get_n_open (self) == 0)
        gtk_widget_grab_focus (GTK_WIDGET (self->continue_button));
    }
  answer_free (answer);
}

static void
write_answer (GhNoticePage   *self,
              const char     *purpose_id,
              GhConsentState  state)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->page = g_object_ref (self);
  answer->purpose_id = g_strdup (purpose_id);
  answer->state = state;
  set_busy (self, TRUE);
  gh_session_set_consent_async (self->session, purpose_id, state, self->cancellable,
                                answer_saved, answer);
}

/* A paragraph of a notice card: wrapped, at most 64 letters wide. */
static GtkWidget *
wrapped (const char *text,
         const char *css_class)
{
  return gh_wrapped_label_new (text, css_class, 64);
}

static void
what_if_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Answer *answer = user_data;
  GhNoticePage *self = answer->page;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  Card *card;

  removed = gh_session_what_if_finish (GH_SESSION (source), result, &added, &error);
  /* Paused, switching off takes nothing away now: what it costs is the offers that
   * keeping it on would bring back. */
  if (answer->paused && removed != NULL)
    {
      g_ptr_array_unref (removed);
      removed = g_steal_pointer (&added);
      if (removed == NULL)
        removed = g_ptr_array_new ();
    }
  card = gh_session_get_ended (self->session) ? NULL : find_card (self, answer->purpose_id);
  if (card != NULL && gtk_widget_get_visible (card->confirm))
    {
      const char *language = gh_session_get_language (self->session);

      if (removed == NULL)
        gtk_label_set_label (card->status, _("We could not work out which offers would go. "
                                             "You can still switch it off."));
      else if (removed->len == 0)
        gtk_label_set_label (card->status, _("No offers will go. We will simply stop using "
                                             "your data for this."));
      else if (answer->paused)
        {
          g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "This paused offer will not "
                                                                "come back:",
                                                                "These %u paused offers will "
                                                                "not come back:",
                                                                removed->len), removed->len);
          gtk_label_set_label (card->status, body);
        }
      else
        {
          g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "This offer will go:",
                                                                "These %u offers will go:",
                                                                removed->len), removed->len);
          gtk_label_set_label (card->status, body);
        }
      for (guint i = 0; removed != NULL && i < removed->len; i++)
        {
          GhOfferMatch *match = g_ptr_array_index (removed, i);
          /* Translators: one offer in a list */
          g_autofree char *line = g_strdup_printf (_("• %s"),
                                                   gh_offer_get_title (match->offer, language));

          gtk_box_append (card->preview_list, wrapped (line, "preview-offer"));
        }
      gtk_widget_set_sensitive (card->confirm, TRUE);
      gtk_widget_grab_focus (card->confirm);
    }
  answer_free (answer);
}

static void
on_keep (GtkButton *button,
         Card      *card)
{
  GhNoticePage *self = GH_NOTICE_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                GH_TYPE_NOTICE_PAGE));

  if (!self->busy)
    write_answer (self, card->purpose_id, GH_CONSENT_GRANTED);
}

static void
on_off (GtkButton *button,
        Card      *card)
{
  GhNoticePage *self = GH_NOTICE_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                GH_TYPE_NOTICE_PAGE));
  Answer *answer;

  if (self->busy)
    return;
  sync_card (self, card, TRUE);
  gtk_label_set_label (card->status, _("Checking which offers would go…"));
  gtk_widget_set_sensitive (card->confirm, FALSE);
  answer = g_new0 (Answer, 1);
  answer->page = g_object_ref (self);
  answer->purpose_id = g_strdup (card->purpose_id);
  answer->paused = gh_session_get_state (self->session, card->purpose_id) == GH_CONSENT_REVOKED;
  gh_session_what_if_async (self->session, card->purpose_id,
                            answer->paused ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED,
                            self->cancellable, what_if_done, answer);
}

static void
on_confirm (GtkButton *button,
            Card      *card)
{
  GhNoticePage *self = GH_NOTICE_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                GH_TYPE_NOTICE_PAGE));

  if (self->busy)
    return;
  gtk_label_set_label (card->status, _("Saving…"));
  gtk_widget_set_sensitive (card->confirm, FALSE);
  write_answer (self, card->purpose_id, GH_CONSENT_REVOKED);
}

static void
on_back (GtkButton *button,
         Card      *card)
{
  GhNoticePage *self = GH_NOTICE_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                GH_TYPE_NOTICE_PAGE));

  sync_card (self, card, FALSE);
  gtk_widget_grab_focus (card->off);
}

/* ---- building ------------------------------------------------------------------- */

static GtkWidget *
card_button (Card       *card,
             const char *label,
             const char *css_class,
             GCallback   handler)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  gtk_widget_set_hexpand (button, TRUE);
  g_signal_connect (button, "clicked", handler, card);
  return button;
}

static Card *
build_card (GhNoticePage *self,
            const char   *purpose_id)
{
  const char *language = gh_session_get_language (self->session);
  GhPurpose *purpose = gh_catalog_find_purpose (gh_session_get_catalog (self->session),
                                                purpose_id);
  Card *card = g_new0 (Card, 1);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  g_autofree char *changed = NULL;
  GtkWidget *title;

  card->purpose_id = g_strdup (purpose_id);
  card->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (card->box, "section");
  gtk_widget_add_css_class (card->box, "notice-card");

  title = wrapped (purpose_title (self, purpose_id), "card-title");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (card->box), title);
  /* Translators: %s is what HQ says changed in a purpose's privacy notice */
  changed = g_strdup_printf (_("What changed: %s"),
                             purpose != NULL ? gh_purpose_get_what_changed (purpose, language)
                                             : "");
  gtk_box_append (GTK_BOX (card->box), wrapped (changed, NULL));
  card->status = GTK_LABEL (wrapped ("", "row-title"));
  gtk_box_append (GTK_BOX (card->box), GTK_WIDGET (card->status));
  card->preview_list = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_box_append (GTK_BOX (card->box), GTK_WIDGET (card->preview_list));

  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  card->keep = card_button (card, _("Keep it on"), "suggested-action", G_CALLBACK (on_keep));
  card->off = card_button (card, _("Switch it off"), NULL, G_CALLBACK (on_off));
  card->back = card_button (card, _("Keep it on"), NULL, G_CALLBACK (on_back));
  card->confirm = card_button (card, _("Switch it off"), "destructive-action",
                               G_CALLBACK (on_confirm));
  gtk_box_append (GTK_BOX (buttons), card->keep);
  gtk_box_append (GTK_BOX (buttons), card->off);
  gtk_box_append (GTK_BOX (buttons), card->back);
  gtk_box_append (GTK_BOX (buttons), card->confirm);
  gtk_box_append (GTK_BOX (card->box), buttons);
  card->buttons = buttons;
  sync_card (self, card, FALSE);
  return card;
}

static char *
news_line (GhNoticePage *self,
           GhNews       *news)
{
  const char *language = gh_session_get_language (self->session);
  GhCatalog *catalog = gh_session_get_catalog (self->session);
  g_autofree char *summary = NULL;

  switch (news->kind)
    {
    case GH_NEWS_NOTICE:
      /* Translators: a purpose's title, then what changed in its privacy notice */
      return g_strdup_printf (_("“%s”: %s"), gh_purpose_get_title (news->purpose, language),
                              gh_purpose_get_what_changed (news->purpose, language));
    case GH_NEWS_NEW_ITEM:
      summary = gh_ui_item_summary (self->session, news->item);
      /* Translators: a data category's title, then the item, e.g. "New data: Wishlist — Rain jacket" */
      return g_strdup_printf (_("New data: %s — %s"),
                              gh_ui_category_title (catalog, news->item->category, language),
                              summary);
    case GH_NEWS_OFFER_GAINED:
      /* Translators: %s is an offer's title */
      return g_strdup_printf (_("New offer: %s"), gh_offer_get_title (news->offer, language));
    case GH_NEWS_OFFER_LOST:
    default:
      /* Translators: %s is an offer's title */
      return g_strdup_printf (_("No longer offered: %s"),
                              gh_offer_get_title (news->offer, language));
    }
}

static void
build (GhNoticePage *self)
{
  GPtrArray *news = gh_session_get_news (self->session);
  guint n_asked = g_strv_length (self->purposes);

  if (gh_session_get_ended (self->session))
    return;
  gh_box_remove_all (self->answer_box);
  gh_box_remove_all (self->news_box);
  g_ptr_array_set_size (self->cards, 0);

  gtk_label_set_label (self->title_label, n_asked > 0 ? _("What has changed")
                                                      : _("What's new since your last visit"));
  gtk_label_set_label (self->intro_label,
                       n_asked > 0
                       ? g_dngettext (GETTEXT_PACKAGE,
                                      "We changed how we use your data for something you said "
                                      "yes to. Please choose again.",
                                      "We changed how we use your data for things you said "
                                      "yes to. Please choose again for each.", n_asked)
                       : _("A few things changed since you were last here."));
  for (guint i = 0; self->purposes[i] != NULL; i++)
    {
      Card *card = build_card (self, self->purposes[i]);

      g_ptr_array_add (self->cards, card);
      gtk_box_append (self->answer_box, card->box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->answer_box), n_asked > 0);

  gtk_label_set_label (GTK_LABEL (self->news_heading), _("What's new since your last visit"));
  gtk_widget_set_visible (self->news_heading, n_asked > 0 && news != NULL && news->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->news_box), news != NULL && news->len > 0);
  for (guint i = 0; news != NULL && i < news->len; i++)
    {
      g_autofree char *line = news_line (self, g_ptr_array_index (news, i));
      /* Translators: one entry in a list */
      g_autofree char *bullet = g_strdup_printf (_("• %s"), line);

      gtk_box_append (self->news_box, wrapped (bullet, "news-line"));
    }
  sync_continue (self);
}

static void
notice_continue (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GhNoticePage *self = GH_NOTICE_PAGE (widget);

  if (!self->busy)
    g_signal_emit (self, signals[DONE], 0);
}

/* ---- object --------------------------------------------------------------------- */

static void
gh_notice_page_dispose (GObject *object)
{
  GhNoticePage *self = GH_NOTICE_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_NOTICE_PAGE);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (gh_notice_page_parent_class)->dispose (object);
}

static void
gh_notice_page_finalize (GObject *object)
{
  GhNoticePage *self = GH_NOTICE_PAGE (object);

  g_strfreev (self->purposes);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  G_OBJECT_CLASS (gh_notice_page_parent_class)->finalize (object);
}

static void
gh_notice_page_class_init (GhNoticePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_notice_page_dispose;
  object_class->finalize = gh_notice_page_finalize;

  /* The shopper is done here: the window shows the dashboard. */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-notice-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, answer_box);
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, news_heading);
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, news_box);
  gtk_widget_class_bind_template_child (widget_class, GhNoticePage, continue_button);
  gtk_widget_class_install_action (widget_class, "notice.continue", NULL, notice_continue);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
gh_notice_page_init (GhNoticePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cards = g_ptr_array_new_with_free_func ((GDestroyNotify) card_free);
}

gboolean
gh_notice_page_wanted (GhSession *session)
{
  g_autoptr(GPtrArray) open = gh_session_list_notices_to_answer (session);
  GPtrArray *news = gh_session_get_news (session);

  return open->len > 0 || (news != NULL && news->len > 0);
}

GtkWidget *
gh_notice_page_new (GhSession *session)
{
  GhNoticePage *self = g_object_new (GH_TYPE_NOTICE_PAGE, NULL);
  g_autoptr(GPtrArray) open = gh_session_list_notices_to_answer (session);
  GStrvBuilder *builder = g_strv_builder_new ();

  self->session = g_object_ref (session);
  for (guint i = 0; i < open->len; i++)
    g_strv_builder_add (builder, gh_purpose_get_id (g_ptr_array_index (open, i)));
  self->purposes = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  g_signal_connect_object (session, "notify::language", G_CALLBACK (build), self,
                           G_CONNECT_SWAPPED);
  build (self);
  return GTK_WIDGET (self);
}
