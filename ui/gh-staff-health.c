/* GhStaffHealth: the kiosk's health as staff see it. Collected in a worker
 * (gh_health_collect_async, which walks the whole audit chain) and shown as a
 * small table: config version and age, the last refused bundle and why,
 * events waiting for HQ, the link to HQ, store size, audit chain state.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-staff-health.h"
#include "gh-widget-template.h"
#include "gh-ui-widgets.h"

struct _GhStaffHealth
{
  GtkWidget     parent_instance;

  GtkLabel     *heading_label;
  GtkLabel     *config_title;
  GtkLabel     *refused_title;
  GtkLabel     *outbox_title;
  GtkLabel     *link_title;
  GtkLabel     *size_title;
  GtkLabel     *chain_title;
  GtkLabel     *config_label;
  GtkLabel     *refused_label;
  GtkLabel     *outbox_label;
  GtkLabel     *link_label;
  GtkLabel     *size_label;
  GtkLabel     *chain_label;
  GtkSpinner   *spinner;

  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (GhStaffHealth, gh_staff_health, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* When, in words: "just now", "3 minutes ago", "5 hours ago", "36 days ago". */
static char *
format_ago (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: when something happened: the config issued, events last delivered
     * to HQ, the last round with HQ. */
    return g_strdup (_("just now"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                         seconds / 60),
                            (int) (seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago",
                                         seconds / 3600),
                            (int) (seconds / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago",
                                       seconds / 86400),
                          (int) (seconds / 86400));
}

/* How long ago HQ issued the configuration in force. */
static char *
format_age (gint64 seconds)
{
  g_autofree char *ago = NULL;

  if (seconds < 0)
    return g_strdup (_("age unknown"));
  ago = format_ago (seconds);
  /* Translators: %s is when, e.g. "2 days ago": "Version 3, issued 2 days ago". */
  return g_strdup_printf (_("issued %s"), ago);
}

static char *
format_last_push (gint64 seconds)
{
  g_autofree char *ago = NULL;

  if (seconds < 0)
    /* Translators: the kiosk has never delivered its events to HQ. */
    return g_strdup (_("never delivered to HQ"));
  ago = format_ago (seconds);
  /* Translators: when the kiosk last delivered its events to HQ; %s is when, e.g.
   * "3 minutes ago". */
  return g_strdup_printf (_("last delivered to HQ %s"), ago);
}

/* The link to HQ in words, and whether staff should call someone about it: a round that
 * fails, or a kiosk HQ has not approved (the phone portal refuses its receipts). */
static char *
format_link (const GhHealth *health,
             gboolean       *problem)
{
  g_autofree char *ago = NULL;

  *problem = FALSE;
  if (health->hq_error != NULL)
    {
      ago = format_ago (health->hq_error_age_seconds);
      *problem = TRUE;
      /* Translators: when, then why, e.g. "Last round failed 3 minutes ago: HQ
       * hq.example:5432/glasshouse is unreachable". */
      return g_strdup_printf (_("Last round failed %s: %s"), ago, health->hq_error);
    }
  if (health->hq_sync_age_seconds < 0)
    return g_strdup (_("No sync round with HQ yet"));
  ago = format_ago (health->hq_sync_age_seconds);
  if (health->hq_approval == GH_HQ_APPROVAL_WAITING)
    {
      *problem = TRUE;
      /* Translators: %s is when, e.g. "2 minutes ago". */
      return g_strdup_printf (_("Waiting for HQ to approve this kiosk: phones cannot open its "
                                "receipts until then · last round %s"), ago);
    }
  /* Translators: %s is when, e.g. "2 minutes ago". */
  return g_strdup_printf (_("Working · last round %s"), ago);
}

void
gh_staff_health_show (GhStaffHealth  *self,
                      const GhHealth *health)
{
  g_autofree char *config = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *link = NULL;
  g_autofree char *size = NULL;
  g_autofree char *chain = NULL;
  gboolean link_problem;

  g_return_if_fail (GH_IS_STAFF_HEALTH (self));
  g_return_if_fail (health != NULL);

  if (health->config_version > 0)
    {
      g_autofree char *age = format_age (health->config_age_seconds);
      /* Translators: "Version 3, issued 2 days ago". */
      /* A plain %lld: xgettext cannot see through G_GINT64_FORMAT. */
      config = g_strdup_printf (_("Version %lld, %s"), (long long) health->config_version, age);
    }
  else
    config = g_strdup (_("None applied: the kiosk is not set up"));

  if (health->rejected_at != NULL)
    {
      /* The bundle's name, not where it lay: the staff page shows no file paths. */
      g_autofree char *file = health->rejected_source != NULL
                              ? g_path_get_basename (health->rejected_source) : g_strdup ("?");

      /* Translators: when, the reason, then where in the bundle and which file. */
      refused = g_strdup_printf (_("%s: %s (at %s, file %s)"), health->rejected_at,
                                 health->rejected_reason != NULL ? health->rejected_reason
                                                                 : _("no reason recorded"),
                                 health->rejected_path != NULL && *health->rejected_path != '\0'
                                 ? health->rejected_path : "$",
                                 file);
    }
  else
    refused = g_strdup (_("None"));

  {
    g_autofree char *pushed = format_last_push (health->hq_push_age_seconds);
    /* Translators: events waiting for HQ, then when the last ones went,
     * e.g. "12 · last delivered to HQ 3 minutes ago". */
    outbox = g_strdup_printf (_("%lld · %s"), (long long) health->outbox_pending, pushed);
  }
  link = format_link (health, &link_problem);
  size = g_format_size (health->store_bytes);
  if (health->chain_ok)
    chain = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Intact: %lld event",
                                          "Intact: %lld events", health->chain_events),
                             (long long) health->chain_events);
  else if (health->chain_first_bad > 0)
    /* Translators: the audit chain's state on the staff page; %lld is the number of
     * the first event that does not match. Staff are shown no file paths. */
    chain = g_strdup_printf (_("BROKEN at event %lld"), (long long) health->chain_first_bad);
  else
    chain = g_strdup (_("BROKEN"));

  gtk_label_set_label (self->config_label, config);
  gtk_label_set_label (self->refused_label, refused);
  gtk_label_set_label (self->outbox_label, outbox);
  gh_status_label_set (self->link_label, link, link_problem);
  gtk_label_set_label (self->size_label, size);
  gh_status_label_set (self->chain_label, chain, !health->chain_ok);
}

static void
set_loading (GhStaffHealth *self,
             gboolean       loading)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->spinner)) == loading)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_collected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GhStaffHealth) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhHealth) health = gh_health_collect_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (health != NULL)
    gh_staff_health_show (self, health);
  else
    {
      /* Staff, not shoppers, read this: the store's own message is the useful one. */
      gh_status_label_set (self->chain_label, error->message, TRUE);
    }
  set_loading (self, FALSE);
}

void
gh_staff_health_refresh (GhStaffHealth *self,
                         const char    *db_path)
{
  g_return_if_fail (GH_IS_STAFF_HEALTH (self));
  g_return_if_fail (db_path != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  gh_health_collect_async (db_path, self->cancellable, on_collected, g_object_ref (self));
}

gboolean
gh_staff_health_get_loading (GhStaffHealth *self)
{
  g_return_val_if_fail (GH_IS_STAFF_HEALTH (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->spinner));
}

static void
gh_staff_health_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, gh_staff_health_get_loading (GH_STAFF_HEALTH (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_staff_health_dispose (GObject *object)
{
  GhStaffHealth *self = GH_STAFF_HEALTH (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_STAFF_HEALTH);

  G_OBJECT_CLASS (gh_staff_health_parent_class)->dispose (object);
}

static void
gh_staff_health_class_init (GhStaffHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_staff_health_dispose;
  object_class->get_property = gh_staff_health_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-staff-health.ui");
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, heading_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, config_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, refused_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, outbox_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, link_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, size_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, chain_title);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, config_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, refused_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, link_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, size_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, chain_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffHealth, spinner);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "staffhealth");
}

static void
gh_staff_health_init (GhStaffHealth *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_staff_health_new (void)
{
  return g_object_new (GH_TYPE_STAFF_HEALTH, NULL);
}

void
gh_staff_health_retranslate (GhStaffHealth *self)
{
  g_return_if_fail (GH_IS_STAFF_HEALTH (self));

  gtk_label_set_label (self->heading_label, _("Kiosk health"));
  gtk_label_set_label (self->config_title, _("Configuration"));
  gtk_label_set_label (self->refused_title, _("Last refused bundle"));
  gtk_label_set_label (self->outbox_title, _("Events waiting for HQ"));
  gtk_label_set_label (self->link_title, _("Link to HQ"));
  gtk_label_set_label (self->size_title, _("Store size"));
  gtk_label_set_label (self->chain_title, _("Audit chain"));
}
