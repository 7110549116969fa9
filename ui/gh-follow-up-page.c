/* GhFollowUpPage: a receipt, a data copy or an erasure to follow up on the phone.
 * Its title says which; a large QR code a phone camera opens at HQ's portal, one
 * sentence saying what the phone will show and how long the code works, a short code
 * to type at the portal if the camera fails. The code carries only the
 * portal URL and a signed token, so the page shows nothing that identifies
 * the shopper to whoever stands behind them. Done emits "done"; the window
 * decides where to go next.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-follow-up-page.h"
#include "gh-qr-paintable.h"
#include "gh-widget-template.h"

struct _GhFollowUpPage
{
  GtkWidget      parent_instance;

  GtkLabel      *title_label;
  GtkPicture    *code_picture;
  GtkLabel      *sentence_label;
  GtkLabel      *fallback_label;
  GtkLabel      *short_code_label;
  GtkLabel      *problem_label;
  GtkWidget     *done_button;

  char          *url;
  char          *short_code;
  GhReceiptKind  kind;
  int            days;      /* how long the code works, 0 when unknown */
  char          *language;
};

G_DEFINE_FINAL_TYPE (GhFollowUpPage, gh_follow_up_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_URL,
  PROP_SHORT_CODE,
  PROP_KIND,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
title_for (GhReceiptKind kind)
{
  switch (kind)
    {
    case GH_RECEIPT_KIND_ERASURE:
      return _("Your request to be forgotten");
    case GH_RECEIPT_KIND_ACCESS:
      return _("A copy of your data");
    case GH_RECEIPT_KIND_CONSENT:
    default:
      return _("Your receipt");
    }
}

static const char *
sentence_for (GhReceiptKind kind)
{
  switch (kind)
    {
    case GH_RECEIPT_KIND_ERASURE:
      return _("Scan this with your phone's camera to follow your request to be forgotten "
               "until it is done.");
    case GH_RECEIPT_KIND_ACCESS:
      return _("Scan this with your phone's camera to download a copy of all the data we hold "
               "about you.");
    case GH_RECEIPT_KIND_CONSENT:
    default:
      return _("Scan this with your phone's camera to keep a receipt of the choices you made "
               "today.");
    }
}

/* What the code is for, and for how long it works: the token expires, so the page
 * promises nothing beyond it. */
static char *
sentence_with_days (GhReceiptKind kind,
                    int           days)
{
  g_autofree char *period = NULL;

  if (days <= 0)
    return g_strdup (sentence_for (kind));
  period = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The code works for %d day.",
                                         "The code works for %d days.", days), days);
  return g_strconcat (sentence_for (kind), " ", period, NULL);
}

/* "privacy.example.com" for the fallback sentence: the part a person types. */
static char *
portal_for_people (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path;
  g_autofree char *prefix = NULL;
  char *r;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  /* Keep a portal that lives under a path ("example.com/privacy"), drop "/r/<token>". */
  path = g_uri_get_path (uri);
  prefix = g_strdup (path != NULL ? path : "");
  r = g_strrstr (prefix, "/r/");
  if (r != NULL)
    *r = '\0';
  return g_strconcat (g_uri_get_host (uri), prefix, NULL);
}

static void
update_fallback (GhFollowUpPage *self)
{
  g_autofree char *portal = self->url != NULL ? portal_for_people (self->url) : NULL;

  if (portal != NULL)
    {
      /* Translators: %s is the privacy portal's address, e.g. privacy.example.com */
      g_autofree char *text = g_strdup_printf (_("Camera not working? Go to %s and type this code:"),
                                               portal);
      gtk_label_set_label (self->fallback_label, text);
    }
}

static void
update_code (GhFollowUpPage *self)
{
  g_autoptr(GhQr) qr = NULL;
  g_autoptr(GhQrPaintable) paintable = NULL;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  if (self->url == NULL)
    {
      gtk_picture_set_paintable (self->code_picture, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->code_picture), FALSE);
      return;
    }

  qr = gh_qr_new (self->url, &error);
  if (qr == NULL)
    {
      /* Not a shopper's problem to understand: say what to do. */
      g_warning ("follow-up code: %s", error->message);
      gtk_picture_set_paintable (self->code_picture, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->code_picture), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }
  paintable = gh_qr_paintable_new (qr);
  gtk_picture_set_paintable (self->code_picture, GDK_PAINTABLE (paintable));
  gtk_widget_set_visible (GTK_WIDGET (self->code_picture), TRUE);

  update_fallback (self);
}

static void
update_short_code (GhFollowUpPage *self)
{
  gboolean has_code = self->short_code != NULL && *self->short_code != '\0';

  gtk_label_set_label (self->short_code_label, has_code ? self->short_code : "");
  gtk_widget_set_visible (GTK_WIDGET (self->short_code_label), has_code);
  gtk_widget_set_visible (GTK_WIDGET (self->fallback_label), has_code && self->url != NULL);
}

static void
update_sentence (GhFollowUpPage *self)
{
  g_autofree char *sentence = sentence_with_days (self->kind, self->days);

  gtk_label_set_label (self->title_label, title_for (self->kind));
  gtk_label_set_label (self->sentence_label, sentence);
  /* The code's description for screen readers: what it is and what it does. */
  gtk_picture_set_alternative_text (self->code_picture, sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sentence,
                                  -1);
}

/* GTK does not translate a built template again: the page's own words are set anew
 * in the language now in force (gh_i18n_set_language). The code stays. */
static void
retranslate (GhFollowUpPage *self)
{
  gtk_label_set_label (self->problem_label,
                       _("The code cannot be shown right now. A member of staff can help."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->short_code_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code to type"), -1);
  gtk_button_set_label (GTK_BUTTON (self->done_button), _("Done"));
  update_sentence (self);
  update_fallback (self);
}

const char *
gh_follow_up_page_get_language (GhFollowUpPage *self)
{
  g_return_val_if_fail (GH_IS_FOLLOW_UP_PAGE (self), NULL);
  return self->language;
}

void
gh_follow_up_page_set_language (GhFollowUpPage *self,
                                const char     *language)
{
  g_return_if_fail (GH_IS_FOLLOW_UP_PAGE (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  retranslate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

const char *
gh_follow_up_page_get_url (GhFollowUpPage *self)
{
  g_return_val_if_fail (GH_IS_FOLLOW_UP_PAGE (self), NULL);
  return self->url;
}

void
gh_follow_up_page_set_url (GhFollowUpPage *self,
                           const char     *url)
{
  g_return_if_fail (GH_IS_FOLLOW_UP_PAGE (self));
  if (g_strcmp0 (self->url, url) == 0)
    return;
  g_free (self->url);
  self->url = g_strdup (url);
  update_code (self);
  update_short_code (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

const char *
gh_follow_up_page_get_short_code (GhFollowUpPage *self)
{
  g_return_val_if_fail (GH_IS_FOLLOW_UP_PAGE (self), NULL);
  return self->short_code;
}

void
gh_follow_up_page_set_short_code (GhFollowUpPage *self,
                                  const char     *short_code)
{
  g_return_if_fail (GH_IS_FOLLOW_UP_PAGE (self));
  if (g_strcmp0 (self->short_code, short_code) == 0)
    return;
  g_free (self->short_code);
  self->short_code = g_strdup (short_code);
  update_short_code (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHORT_CODE]);
}

GhReceiptKind
gh_follow_up_page_get_kind (GhFollowUpPage *self)
{
  g_return_val_if_fail (GH_IS_FOLLOW_UP_PAGE (self), GH_RECEIPT_KIND_CONSENT);
  return self->kind;
}

void
gh_follow_up_page_set_kind (GhFollowUpPage *self,
                            GhReceiptKind   kind)
{
  g_return_if_fail (GH_IS_FOLLOW_UP_PAGE (self));
  g_return_if_fail (kind >= GH_RECEIPT_KIND_CONSENT && kind <= GH_RECEIPT_KIND_ACCESS);
  if (self->kind == kind)
    return;
  self->kind = kind;
  update_sentence (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

void
gh_follow_up_page_set_receipt (GhFollowUpPage *self,
                               GhReceipt      *receipt,
                               GhCatalog      *catalog)
{
  g_autofree char *url = NULL;

  g_return_if_fail (GH_IS_FOLLOW_UP_PAGE (self));
  g_return_if_fail (receipt == NULL || GH_IS_RECEIPT (receipt));
  g_return_if_fail (receipt == NULL || GH_IS_CATALOG (catalog));

  if (receipt == NULL)
    {
      self->days = 0;
      gh_follow_up_page_set_url (self, NULL);
      gh_follow_up_page_set_short_code (self, NULL);
      gh_follow_up_page_set_kind (self, GH_RECEIPT_KIND_CONSENT);
      return;
    }
  url = gh_receipt_get_follow_up_url (receipt, catalog);
  {
    gint64 left = gh_receipt_get_expires_at (receipt) - g_get_real_time () / G_USEC_PER_SEC;

    /* Whole days, rounded down: "30 days" for a code issued now that works 30 days. */
    self->days = left > 0 ? (int) MAX (1, (left + 3600) / (24 * 3600)) : 0;
  }
  gh_follow_up_page_set_kind (self, gh_receipt_get_kind (receipt));
  update_sentence (self);
  gh_follow_up_page_set_short_code (self, gh_receipt_get_short_code (receipt));
  gh_follow_up_page_set_url (self, url);
}

static void
done_clicked (GhFollowUpPage *self)
{
  g_signal_emit (self, signals[DONE], 0);
}

static void
gh_follow_up_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GhFollowUpPage *self = GH_FOLLOW_UP_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_SHORT_CODE:
      g_value_set_string (value, self->short_code);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_follow_up_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GhFollowUpPage *self = GH_FOLLOW_UP_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      gh_follow_up_page_set_url (self, g_value_get_string (value));
      break;
    case PROP_SHORT_CODE:
      gh_follow_up_page_set_short_code (self, g_value_get_string (value));
      break;
    case PROP_KIND:
      gh_follow_up_page_set_kind (self, g_value_get_int (value));
      break;
    case PROP_LANGUAGE:
      gh_follow_up_page_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_follow_up_page_dispose (GObject *object)
{
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_FOLLOW_UP_PAGE);
  G_OBJECT_CLASS (gh_follow_up_page_parent_class)->dispose (object);
}

static void
gh_follow_up_page_finalize (GObject *object)
{
  GhFollowUpPage *self = GH_FOLLOW_UP_PAGE (object);

  g_free (self->url);
  g_free (self->short_code);
  g_free (self->language);
  G_OBJECT_CLASS (gh_follow_up_page_parent_class)->finalize (object);
}

static void
gh_follow_up_page_class_init (GhFollowUpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = gh_follow_up_page_get_property;
  object_class->set_property = gh_follow_up_page_set_property;
  object_class->dispose = gh_follow_up_page_dispose;
  object_class->finalize = gh_follow_up_page_finalize;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHORT_CODE] =
    g_param_spec_string ("short-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, GH_RECEIPT_KIND_CONSENT, GH_RECEIPT_KIND_ACCESS,
                      GH_RECEIPT_KIND_CONSENT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The visit's language: setting it puts the page's words in it (its code stays). */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-follow-up-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, code_picture);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, sentence_label);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, fallback_label);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, short_code_label);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GhFollowUpPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, done_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "followuppage");
}

static void
gh_follow_up_page_init (GhFollowUpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kind = GH_RECEIPT_KIND_CONSENT;
  /* The paintable is given the whole picture and centres itself on whole pixels. */
  gtk_picture_set_content_fit (self->code_picture, GTK_CONTENT_FIT_FILL);
  update_sentence (self);
  update_code (self);
  update_short_code (self);
}

GtkWidget *
gh_follow_up_page_new (void)
{
  return g_object_new (GH_TYPE_FOLLOW_UP_PAGE, NULL);
}
