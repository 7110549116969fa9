/* GhStaffMode: whether a member of staff is assisting at the kiosk, who, and
 * for how long. It carries the actor ("staff:<id>") that events record while
 * staff assist, ends itself after the config's staff timeout, and turns a long
 * press on the logo into a request for the staff PIN.
 *
 * The press: GTK 4.8 caps GtkGestureLongPress's delay factor at 2.0, i.e. one
 * second with the default 500 ms long-press time. So the gesture recognises
 * the first part of the hold and a timer the rest; letting go (the gesture's
 * "end" or "cancel") before GH_STAFF_MODE_PRESS_MS stops it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-staff-mode.h"

#define MAX_DELAY_FACTOR 2.0

struct _GhStaffMode
{
  GObject        parent_instance;

  GhStaffMember *member;
  char          *actor;
  guint          timeout_seconds;
  guint          timeout_id;
  guint          press_id;
};

G_DEFINE_FINAL_TYPE (GhStaffMode, gh_staff_mode, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_MEMBER,
  PROP_ACTOR,
  N_PROPS
};

enum {
  ENDED,
  UNLOCK_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
finish (GhStaffMode *self,
        gboolean     timed_out)
{
  if (self->member == NULL)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->member);
  g_clear_pointer (&self->actor, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
  g_signal_emit (self, signals[ENDED], 0, timed_out);
}

static gboolean
on_timeout (gpointer user_data)
{
  GhStaffMode *self = user_data;

  self->timeout_id = 0;
  finish (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
restart_timer (GhStaffMode *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  /* Millisecond timer: g_timeout_add_seconds() rounds to the second and may end
   * staff mode up to a second early. */
  self->timeout_id = g_timeout_add (self->timeout_seconds * 1000, on_timeout, self);
  g_source_set_name_by_id (self->timeout_id, "[glasshouse] staff mode timeout");
}

static void
gh_staff_mode_dispose (GObject *object)
{
  GhStaffMode *self = GH_STAFF_MODE (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->press_id, g_source_remove);
  g_clear_object (&self->member);
  g_clear_pointer (&self->actor, g_free);

  G_OBJECT_CLASS (gh_staff_mode_parent_class)->dispose (object);
}

static void
gh_staff_mode_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GhStaffMode *self = GH_STAFF_MODE (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->member != NULL);
      break;
    case PROP_MEMBER:
      g_value_set_object (value, self->member);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_staff_mode_class_init (GhStaffModeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_staff_mode_dispose;
  object_class->get_property = gh_staff_mode_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEMBER] =
    g_param_spec_object ("member", NULL, NULL, GH_TYPE_STAFF_MEMBER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* timed_out: TRUE when the timeout ended it, FALSE when staff did. */
  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[UNLOCK_REQUESTED] = g_signal_new ("unlock-requested", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
}

static void
gh_staff_mode_init (GhStaffMode *self)
{
}

GhStaffMode *
gh_staff_mode_new (void)
{
  return g_object_new (GH_TYPE_STAFF_MODE, NULL);
}

void
gh_staff_mode_begin (GhStaffMode   *self,
                     GhStaffMember *member,
                     guint          timeout_seconds)
{
  g_return_if_fail (GH_IS_STAFF_MODE (self));
  g_return_if_fail (GH_IS_STAFF_MEMBER (member));
  g_return_if_fail (timeout_seconds > 0);

  /* A different member taking over ends the first one's assist on the record. */
  if (self->member != NULL && self->member != member)
    finish (self, FALSE);

  self->timeout_seconds = timeout_seconds;
  restart_timer (self);
  if (self->member == member)
    return;
  self->member = g_object_ref (member);
  self->actor = g_strconcat ("staff:", gh_staff_member_get_id (member), NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
}

void
gh_staff_mode_end (GhStaffMode *self)
{
  g_return_if_fail (GH_IS_STAFF_MODE (self));
  finish (self, FALSE);
}

void
gh_staff_mode_extend (GhStaffMode *self)
{
  g_return_if_fail (GH_IS_STAFF_MODE (self));
  if (self->member != NULL)
    restart_timer (self);
}

gboolean
gh_staff_mode_get_active (GhStaffMode *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MODE (self), FALSE);
  return self->member != NULL;
}

GhStaffMember *
gh_staff_mode_get_member (GhStaffMode *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MODE (self), NULL);
  return self->member;
}

const char *
gh_staff_mode_get_actor (GhStaffMode *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MODE (self), NULL);
  return self->actor;
}

/* ---- the long press on the logo -------------------------------------------- */

static gboolean
on_press_held (gpointer user_data)
{
  GhStaffMode *self = user_data;

  self->press_id = 0;
  g_signal_emit (self, signals[UNLOCK_REQUESTED], 0);
  return G_SOURCE_REMOVE;
}

static guint
long_press_ms (GtkWidget *widget)
{
  GtkSettings *settings = gtk_widget_get_settings (widget);
  int ms = 500;

  g_object_get (settings, "gtk-long-press-time", &ms, NULL);
  return MAX (ms, 1);
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 GhStaffMode         *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  double factor = gtk_gesture_long_press_get_delay_factor (gesture);
  guint held = (guint) (long_press_ms (widget) * factor);

  g_clear_handle_id (&self->press_id, g_source_remove);
  if (held >= GH_STAFF_MODE_PRESS_MS)
    {
      on_press_held (self);
      return;
    }
  self->press_id = g_timeout_add (GH_STAFF_MODE_PRESS_MS - held, on_press_held, self);
  g_source_set_name_by_id (self->press_id, "[glasshouse] staff long press");
}

static void
on_press_cancelled (GtkGesture  *gesture,
                    GhStaffMode *self)
{
  /* Let go before the full three seconds: an ordinary tap or a short hold. */
  g_clear_handle_id (&self->press_id, g_source_remove);
}

static void
on_press_end (GtkGesture       *gesture,
              GdkEventSequence *sequence,
              GhStaffMode      *self)
{
  on_press_cancelled (gesture, self);
}

void
gh_staff_mode_watch_logo (GhStaffMode *self,
                          GtkWidget   *logo)
{
  GtkGesture *gesture;

  g_return_if_fail (GH_IS_STAFF_MODE (self));
  g_return_if_fail (GTK_IS_WIDGET (logo));

  gesture = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), FALSE);
  gtk_gesture_long_press_set_delay_factor (GTK_GESTURE_LONG_PRESS (gesture),
                                           MIN (MAX_DELAY_FACTOR,
                                                (double) GH_STAFF_MODE_PRESS_MS
                                                / long_press_ms (logo)));
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_long_pressed), self, 0);
  g_signal_connect_object (gesture, "end", G_CALLBACK (on_press_end), self, 0);
  g_signal_connect_object (gesture, "cancelled", G_CALLBACK (on_press_cancelled), self, 0);
  gtk_widget_add_controller (logo, GTK_EVENT_CONTROLLER (gesture));
}
