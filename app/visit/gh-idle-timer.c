/* GhIdleTimer: the visit's idle timeout and its announced warning (see gh-idle-timer.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-idle-timer.h"

struct _GhIdleTimer
{
  GObject  parent_instance;

  guint    idle_ms;
  guint    warning_seconds;
  gboolean running;
  guint    idle_source;
  guint    warning_source;
  int      seconds_left;
};

G_DEFINE_FINAL_TYPE (GhIdleTimer, gh_idle_timer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_WARNING,
  PROP_SECONDS_LEFT,
  N_PROPS
};

enum {
  EXPIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_seconds_left (GhIdleTimer *self,
                  int          seconds)
{
  if (self->seconds_left == seconds)
    return;
  self->seconds_left = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
}

static void
set_running (GhIdleTimer *self,
             gboolean     running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Stops both countdowns; notifies "warning" if one was showing. */
static void
clear_sources (GhIdleTimer *self)
{
  gboolean was_warning = self->warning_source != 0;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->warning_source, g_source_remove);
  if (was_warning)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
}

static gboolean
warning_tick (gpointer user_data)
{
  GhIdleTimer *self = user_data;

  if (self->seconds_left - 1 <= 0)
    {
      g_autoptr(GhIdleTimer) keep = g_object_ref (self);

      self->warning_source = 0;
      self->seconds_left = 0;
      set_running (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
      g_signal_emit (self, signals[EXPIRED], 0);
      return G_SOURCE_REMOVE;
    }
  set_seconds_left (self, self->seconds_left - 1);
  return G_SOURCE_CONTINUE;
}

static gboolean
idle_expired (gpointer user_data)
{
  GhIdleTimer *self = user_data;

  self->idle_source = 0;
  set_seconds_left (self, self->warning_seconds);
  self->warning_source = g_timeout_add_seconds (1, warning_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
  return G_SOURCE_REMOVE;
}

static void
gh_idle_timer_dispose (GObject *object)
{
  GhIdleTimer *self = GH_IDLE_TIMER (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->warning_source, g_source_remove);

  G_OBJECT_CLASS (gh_idle_timer_parent_class)->dispose (object);
}

static void
gh_idle_timer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GhIdleTimer *self = GH_IDLE_TIMER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_WARNING:
      g_value_set_boolean (value, self->warning_source != 0);
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_int (value, self->seconds_left);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_idle_timer_class_init (GhIdleTimerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_idle_timer_dispose;
  object_class->get_property = gh_idle_timer_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WARNING] =
    g_param_spec_boolean ("warning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int ("seconds-left", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
gh_idle_timer_init (GhIdleTimer *self)
{
  self->idle_ms = 60 * 1000;
  self->warning_seconds = 20;
}

GhIdleTimer *
gh_idle_timer_new (void)
{
  return g_object_new (GH_TYPE_IDLE_TIMER, NULL);
}

void
gh_idle_timer_set_timeouts (GhIdleTimer *self,
                            guint        idle_ms,
                            guint        warning_seconds)
{
  g_return_if_fail (GH_IS_IDLE_TIMER (self));

  self->idle_ms = MAX (1, idle_ms);
  self->warning_seconds = MAX (1, warning_seconds);
  if (self->idle_source != 0)
    gh_idle_timer_start (self);
}

void
gh_idle_timer_start (GhIdleTimer *self)
{
  g_return_if_fail (GH_IS_IDLE_TIMER (self));

  clear_sources (self);
  self->idle_source = g_timeout_add (self->idle_ms, idle_expired, self);
  set_running (self, TRUE);
}

void
gh_idle_timer_stop (GhIdleTimer *self)
{
  g_return_if_fail (GH_IS_IDLE_TIMER (self));

  clear_sources (self);
  set_running (self, FALSE);
}

void
gh_idle_timer_poke (GhIdleTimer *self)
{
  g_return_if_fail (GH_IS_IDLE_TIMER (self));

  if (self->running && self->warning_source == 0)
    gh_idle_timer_start (self);
}

gboolean
gh_idle_timer_get_running (GhIdleTimer *self)
{
  g_return_val_if_fail (GH_IS_IDLE_TIMER (self), FALSE);
  return self->running;
}

gboolean
gh_idle_timer_get_warning (GhIdleTimer *self)
{
  g_return_val_if_fail (GH_IS_IDLE_TIMER (self), FALSE);
  return self->warning_source != 0;
}

int
gh_idle_timer_get_seconds_left (GhIdleTimer *self)
{
  g_return_val_if_fail (GH_IS_IDLE_TIMER (self), 0);
  return self->seconds_left;
}
