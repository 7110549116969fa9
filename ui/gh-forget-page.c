/* GhForgetPage: "Forget me". Before anything happens it lists, from the shopper's
 * own data and the config, what will be deleted and what the law makes the retailer
 * keep (GhDataCategory legal_hold) with the reason. Confirming asks the library to
 * erase (gh_session_forget_async, which finishes even if the visit ends first) and
 * then reports what was deleted and kept; Finish ends the visit.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-ui-widgets.h"
#include "visit/gh-session-requests.h"
#include "gh-forget-page.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"

typedef enum {
  PHASE_ASKING,
  PHASE_ERASING,
  PHASE_FAILED,
  PHASE_ERASED,
} Phase;

struct _GhForgetPage
{
  GtkWidget   parent_instance;

  GtkLabel   *title_label;
  GtkLabel   *intro_label;
  GtkWidget  *deleted_heading;
  GtkBox     *deleted_box;
  GtkWidget  *kept_heading;
  GtkBox     *kept_box;
  GtkSpinner *spinner;
  GtkLabel   *status_label;
  GtkWidget  *buttons_box;
  GtkButton  *back_button;
  GtkButton  *confirm_button;
  GtkWidget  *finish_button;

  GhSession  *session;
  GhReceipt  *receipt;
  gboolean    done;
  Phase       phase;
  guint       deleted_items;
};

G_DEFINE_FINAL_TYPE (GhForgetPage, gh_forget_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gh_forget_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, GH_FORGET_PAGE (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_forget_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      GH_FORGET_PAGE (object)->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
count_item (GHashTable *counts,
            const char *category)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, category));

  g_hash_table_insert (counts, (gpointer) category, GUINT_TO_POINTER (n + 1));
}

static guint
take_count (GHashTable *counts,
            const char *category)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, category));

  g_hash_table_remove (counts, category);
  return n;
}

/* A line of the lists: wrapped, at most 64 letters wide. */
static GtkWidget *
line_label (const char *text,
            const char *css_class)
{
  return gh_wrapped_label_new (text, css_class, 64);
}

static void
append_deleted (GhForgetPage *self,
                const char   *title,
                guint         n)
{
  /* Translators: a category that will be deleted, with how many items: "• Sizes (2)" */
  g_autofree char *line = g_strdup_printf (_("• %s (%u)"), title, n);

  gtk_box_append (self->deleted_box, line_label (line, NULL));
}

static void
fill_lists (GhForgetPage *self)
{
  GhCatalog *catalog = gh_session_get_catalog (self->session);
  const char *language = gh_session_get_language (self->session);
  GPtrArray *items = gh_session_get_items (self->session);
  GListModel *categories = gh_catalog_get_data_categories (catalog);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) deleted = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key, value;
  guint n_kept = 0;

  /* As gh_erasure counts: an item stays only under a legal hold and within its
   * retention; past it, the law no longer asks us to keep it. */
  for (guint i = 0; i < items->len; i++)
    {
      GhDataItem *item = g_ptr_array_index (items, i);
      GhDataCategory *category = gh_catalog_find_data_category (catalog, item->category);
      const char *hold = category != NULL ? gh_data_category_get_legal_hold (category, NULL) : NULL;

      count_item (hold != NULL && *hold != '\0' && item->retained_until > now ? kept : deleted,
                  item->category);
    }

  /* The name itself is listed with the data below ("Your name (1)"): say it once. */
  gtk_box_append (self->deleted_box,
                  line_label (_("• Your membership: loyalty card and PIN"), NULL));
  gtk_box_append (self->deleted_box,
                  line_label (_("• Your choices (consents) and your personal offers"), NULL));

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, i);
      const char *id = gh_data_category_get_id (category);
      const char *title = gh_data_category_get_title (category, language);
      guint n_deleted = take_count (deleted, id);
      guint n_held = take_count (kept, id);

      if (n_held > 0)
        {
          /* Translators: a category kept through erasure and how many items, e.g. "Purchases (12)" */
          g_autofree char *heading = g_strdup_printf (_("%s (%u)"), title, n_held);
          gtk_box_append (self->kept_box, line_label (heading, "row-title"));
          gtk_box_append (self->kept_box,
                          line_label (gh_data_category_get_legal_hold (category, language), NULL));
          n_kept++;
        }
      if (n_deleted > 0)
        append_deleted (self, title, n_deleted);
    }

  /* Held under a category the config does not describe: no legal hold can apply. */
  g_hash_table_iter_init (&iter, deleted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    append_deleted (self, key, GPOINTER_TO_UINT (value));

  if (n_kept == 0)
    gtk_box_append (self->kept_box,
                    line_label (_("Nothing. No law makes us keep any of your data."), NULL));
  else
    gtk_box_append (self->kept_box,
                    line_label (_("We keep it only as long as the law says, under a code instead "
                                  "of your name, and use it for nothing else."), "dim"));
}

enum {
  SIGNAL_ERASED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Every word the page shows for where it is (asking, erasing, failed, erased), in the
 * visit's language: set at the start, at each step and when the language changes. */
static void
show_words (GhForgetPage *self)
{
  gboolean erased = self->phase == PHASE_ERASED;
  g_autofree char *status = NULL;

  gtk_label_set_label (self->title_label, erased ? _("You have been forgotten") : _("Forget me"));
  gtk_label_set_label (self->intro_label,
                       erased ? _("Your data is deleted and your loyalty card no longer works. We "
                                  "will not bring it back, even if it comes from elsewhere again.")
                              : _("We will delete everything we hold about you that the law lets "
                                  "us delete, and stop using it at once. Your loyalty card will "
                                  "stop working. This cannot be undone."));
  gtk_label_set_label (GTK_LABEL (self->deleted_heading), _("What we will delete"));
  gtk_label_set_label (GTK_LABEL (self->kept_heading), _("What the law makes us keep, and why"));
  gtk_button_set_label (self->back_button, _("No, go back"));
  gtk_button_set_label (self->confirm_button, _("Yes, forget me"));
  gtk_button_set_label (GTK_BUTTON (self->finish_button), _("Continue"));

  switch (self->phase)
    {
    case PHASE_ERASING:
      gtk_label_set_label (self->status_label, _("Deleting…"));
      break;
    case PHASE_FAILED:
      gtk_label_set_label (self->status_label,
                           _("Sorry, that did not work and nothing was deleted. Please try again, "
                             "or ask a member of staff."));
      break;
    case PHASE_ERASED:
      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "We deleted %u item.",
                                             "We deleted %u items.", self->deleted_items),
                                self->deleted_items);
      gtk_label_set_label (self->status_label, status);
      break;
    case PHASE_ASKING:
    default:
      break;
    }
}

static void
on_language_changed (GhForgetPage *self)
{
  if (gh_session_get_ended (self->session))
    return;
  gh_box_remove_all (self->deleted_box);
  gh_box_remove_all (self->kept_box);
  fill_lists (self);
  show_words (self);
}

static void
forget_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GhForgetPage) self = user_data;
  g_autoptr(GhErasureResult) erasure = NULL;
  g_autoptr(GError) error = NULL;

  erasure = gh_session_forget_finish (GH_SESSION (source), result, &error);
  if (erasure == NULL)
    g_warning ("Erasure failed: %s", error->message);
  /* Nobody is there to read the outcome; the erasure itself is done (or logged). */
  if (self->session == NULL || gh_session_get_ended (self->session))
    return;

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);

  if (erasure == NULL)
    {
      self->done = FALSE;
      self->phase = PHASE_FAILED;
      show_words (self);
      gtk_widget_set_sensitive (self->buttons_box, TRUE);
      return;
    }

  g_set_object (&self->receipt, erasure->receipt);
  self->phase = PHASE_ERASED;
  self->deleted_items = erasure->deleted_items;
  show_words (self);
  gtk_widget_set_visible (self->deleted_heading, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->deleted_box), FALSE);
  gtk_widget_set_visible (self->buttons_box, FALSE);
  gtk_widget_set_visible (self->finish_button, TRUE);
  gtk_widget_grab_focus (self->finish_button);
  g_signal_emit (self, signals[SIGNAL_ERASED], 0);
}

static void
forget_confirm (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhForgetPage *self = GH_FORGET_PAGE (widget);

  if (self->done || gh_session_get_ended (self->session))
    return;
  self->done = TRUE;
  gtk_widget_set_sensitive (self->buttons_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  self->phase = PHASE_ERASING;
  show_words (self);

  gh_session_forget_async (self->session, forget_done, g_object_ref (self));
}

static void
gh_forget_page_constructed (GObject *object)
{
  GhForgetPage *self = GH_FORGET_PAGE (object);

  G_OBJECT_CLASS (gh_forget_page_parent_class)->constructed (object);
  fill_lists (self);
  /* The page follows the visit's language itself. */
  g_signal_connect_object (self->session, "notify::language", G_CALLBACK (on_language_changed),
                           self, G_CONNECT_SWAPPED);
}

static void
gh_forget_page_dispose (GObject *object)
{
  GhForgetPage *self = GH_FORGET_PAGE (object);

  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_FORGET_PAGE);
  g_clear_object (&self->session);
  g_clear_object (&self->receipt);

  G_OBJECT_CLASS (gh_forget_page_parent_class)->dispose (object);
}

static void
gh_forget_page_class_init (GhForgetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_forget_page_constructed;
  object_class->dispose = gh_forget_page_dispose;
  object_class->get_property = gh_forget_page_get_property;
  object_class->set_property = gh_forget_page_set_property;

  /* The visit whose shopper may ask to be forgotten. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, GH_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "forget.confirm", NULL, forget_confirm);

  /* The erasure is committed: what the visit still shows of the shopper must go. */
  signals[SIGNAL_ERASED] = g_signal_new ("erased", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-forget-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, deleted_heading);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, deleted_box);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, kept_heading);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, kept_box);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, buttons_box);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, GhForgetPage, finish_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "forgetpage");
}

static void
gh_forget_page_init (GhForgetPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_forget_page_new (GhSession *session)
{
  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  return g_object_new (GH_TYPE_FORGET_PAGE, "session", session, NULL);
}

gboolean
gh_forget_page_get_done (GhForgetPage *self)
{
  g_return_val_if_fail (GH_IS_FORGET_PAGE (self), FALSE);
  return self->done;
}

GhReceipt *
gh_forget_page_get_receipt (GhForgetPage *self)
{
  g_return_val_if_fail (GH_IS_FORGET_PAGE (self), NULL);
  return self->receipt;
}
