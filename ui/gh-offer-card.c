/* GhOfferCard: one offer in "Your offers" with its "because…" chips, one per data
 * item that made it true. Tapping a chip opens the item and the switch of the
 * purpose that uses it; that switch asks the dashboard, like every other one
 * ("change-requested"), so a change is previewed and undoable from here too.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-consent-row.h"
#include "gh-offer-card.h"
#include "gh-spoken.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"

struct _GhOfferCard
{
  GtkWidget   parent_instance;

  GtkLabel   *title_label;
  GtkLabel   *description_label;
  GtkFlowBox *chips_box;

  char       *offer_id;
  GPtrArray  *popovers;
};

G_DEFINE_FINAL_TYPE (GhOfferCard, gh_offer_card, GTK_TYPE_WIDGET)

enum {
  CHANGE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_change_requested (GhOfferCard *self,
                     const char  *purpose_id,
                     gboolean     state)
{
  g_signal_emit (self, signals[CHANGE_REQUESTED], 0, purpose_id, state);
}

/* A closed popover is dropped and made again on the next tap. GTK 4.8 keeps the
 * pointer's focus on a widget inside a popover that was closed while it sat under the
 * pointer; once the popover is unrealized (its card rebuilt after a change), the
 * window's next layout asks that widget's missing surface for motion and crashes.
 * Dropping the popover while the window is intact moves the focus back to the chip. */
static gboolean
drop_closed_popover (gpointer user_data)
{
  GtkMenuButton *chip = user_data;
  GtkPopover *popover = gtk_menu_button_get_popover (chip);

  if (popover != NULL && !gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_menu_button_set_popover (chip, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (GhOfferCard *self,
                   GtkPopover  *popover)
{
  GtkWidget *chip = gtk_widget_get_parent (GTK_WIDGET (popover));

  g_ptr_array_remove (self->popovers, popover);
  if (GTK_IS_MENU_BUTTON (chip))
    g_idle_add_full (G_PRIORITY_DEFAULT, drop_closed_popover, g_object_ref (chip),
                     g_object_unref);
}

static GtkWidget *
build_chip_popover (GhOfferCard        *self,
                    GhSession          *session,
                    const GhOfferMatch *match,
                    const GhDataItem   *item,
                    const char         *summary)
{
  const char *language = gh_session_get_language (session);
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *category = gtk_label_new (gh_ui_category_title (gh_session_get_catalog (session),
                                                             item->category, language));
  GtkWidget *value = gtk_label_new (summary);
  GtkWidget *source = gtk_label_new (gh_ui_source_label (item->source));
  GtkWidget *used = gtk_label_new (_("This is used for:"));
  GtkWidget *row = gh_consent_row_new (match->purpose, language, TRUE);

  gh_consent_row_set_granted (GH_CONSENT_ROW (row),
                              gh_session_get_state (session, gh_purpose_get_id (match->purpose))
                              == GH_CONSENT_GRANTED
                              || !gh_purpose_get_can_revoke (match->purpose));
  g_signal_connect_object (row, "change-requested", G_CALLBACK (on_change_requested), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_add_css_class (category, "row-title");
  gtk_widget_add_css_class (source, "dim");
  gtk_widget_add_css_class (used, "dim");
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (value), 36);
  gtk_label_set_wrap (GTK_LABEL (source), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (source), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (category), 0);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_xalign (GTK_LABEL (source), 0);
  gtk_label_set_xalign (GTK_LABEL (used), 0);
  gtk_widget_set_size_request (box, 480, -1);
  gtk_box_append (GTK_BOX (box), category);
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), source);
  gtk_box_append (GTK_BOX (box), used);
  gtk_box_append (GTK_BOX (box), row);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_widget_add_css_class (popover, "chip-popover");
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_add (self->popovers, popover);
  return popover;
}

typedef struct {
  GhOfferCard        *self;      /* the card owns the chip that owns this */
  GhSession          *session;
  const GhOfferMatch *match;     /* the session's offers outlive the card */
  const GhDataItem   *item;
} ChipData;

static ChipData *
chip_data_new (GhOfferCard        *self,
               GhSession          *session,
               const GhOfferMatch *match,
               const GhDataItem   *item)
{
  ChipData *data = g_new0 (ChipData, 1);

  data->self = self;
  data->session = g_object_ref (session);
  data->match = match;
  data->item = item;
  return data;
}

static void
chip_data_free (gpointer user_data)
{
  ChipData *data = user_data;

  g_clear_object (&data->session);
  g_free (data);
}

static void
create_chip_popover (GtkMenuButton *chip,
                     gpointer       user_data)
{
  ChipData *data = user_data;
  g_autofree char *summary = NULL;

  if (gtk_menu_button_get_popover (chip) != NULL || gh_session_get_ended (data->session))
    return;
  summary = gh_ui_item_summary (data->session, data->item);
  gtk_menu_button_set_popover (chip, build_chip_popover (data->self, data->session, data->match,
                                                         data->item, summary));
}

static void
gh_offer_card_dispose (GObject *object)
{
  GhOfferCard *self = GH_OFFER_CARD (object);

  g_clear_pointer (&self->popovers, g_ptr_array_unref);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_OFFER_CARD);

  G_OBJECT_CLASS (gh_offer_card_parent_class)->dispose (object);
}

static void
gh_offer_card_finalize (GObject *object)
{
  g_free (GH_OFFER_CARD (object)->offer_id);

  G_OBJECT_CLASS (gh_offer_card_parent_class)->finalize (object);
}

static void
gh_offer_card_class_init (GhOfferCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_offer_card_dispose;
  object_class->finalize = gh_offer_card_finalize;

  signals[CHANGE_REQUESTED] =
    g_signal_new ("change-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-offer-card.ui");
  gtk_widget_class_bind_template_child (widget_class, GhOfferCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhOfferCard, description_label);
  gtk_widget_class_bind_template_child (widget_class, GhOfferCard, chips_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "offercard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
gh_offer_card_init (GhOfferCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title_label),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chips_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Because…"), -1);
  /* Weak: the popovers belong to their menu buttons. */
  self->popovers = g_ptr_array_new ();
}

GtkWidget *
gh_offer_card_new (GhSession          *session,
                   const GhOfferMatch *match)
{
  GhOfferCard *self = g_object_new (GH_TYPE_OFFER_CARD, NULL);
  const char *language = gh_session_get_language (session);
  GhCatalog *catalog = gh_session_get_catalog (session);

  self->offer_id = g_strdup (gh_offer_get_id (match->offer));
  gtk_label_set_label (self->title_label, gh_offer_get_title (match->offer, language));
  gtk_label_set_label (self->description_label, gh_offer_get_description (match->offer, language));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gh_offer_get_title (match->offer, language), -1);

  for (guint i = 0; match->because != NULL && i < match->because->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (match->because, i);
      g_autofree char *summary = gh_ui_item_summary (session, item);
      g_autofree char *date = gh_ui_format_date (item->collected_at);
      /* Translators: a "because…" chip: the data item, then when it was collected,
       * e.g. "Trail running shoes · 12 March 2026" */
      /* When it happened matters for what we saw or worked out (a purchase, a
       * visit); for what the shopper told us (a birthday) it is noise. */
      g_autofree char *text = item->source == GH_SOURCE_PROVIDED
                              ? g_strdup (summary) : g_strdup_printf (_("%s · %s"), summary, date);
      /* Translators: what a screen reader says for a "because…" chip: the data
       * category, the item and its date, e.g. "What you bought: Trail shoes, 12 March 2026" */
      g_autofree char *spoken = g_strdup_printf (_("%s: %s, %s"),
                                                 gh_ui_category_title (catalog, item->category,
                                                                       language), summary, date);
      GtkWidget *chip = gtk_menu_button_new ();
      GtkWidget *label = gtk_label_new (text);

      /* Two lines rather than a cut-off: chips that all read "What you bought:
       * Organic oat mi…" tell the shopper nothing. The category is in the popover. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), 2);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_menu_button_set_child (GTK_MENU_BUTTON (chip), label);
      /* GtkMenuButton 4.8 asks for a constant size, so a label that wraps inside it
       * is measured as one line and its second line is cut off (visible with larger
       * text). A bin layout makes the chip height-for-width, like a plain button. */
      gtk_widget_set_layout_manager (chip, gtk_bin_layout_new ());
      /* Built on the first tap: most chips are never opened, and the dashboard must
       * appear within 100 ms of the PIN. */
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (chip), create_chip_popover,
                                             chip_data_new (self, session, match, item),
                                             chip_data_free);
      gh_spoken_set_label (chip, spoken);
      gtk_widget_add_css_class (chip, "chip");
      if (item->source == GH_SOURCE_INFERRED)
        gtk_widget_add_css_class (chip, "inferred");
      gtk_flow_box_append (self->chips_box, chip);
    }

  return GTK_WIDGET (self);
}

const char *
gh_offer_card_get_offer_id (GhOfferCard *self)
{
  g_return_val_if_fail (GH_IS_OFFER_CARD (self), NULL);
  return self->offer_id;
}

void
gh_offer_card_close_popovers (GhOfferCard *self)
{
  g_return_if_fail (GH_IS_OFFER_CARD (self));

  for (guint i = 0; i < self->popovers->len; i++)
    gtk_popover_popdown (g_ptr_array_index (self->popovers, i));
}
