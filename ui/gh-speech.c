/* GhSpeech: the kiosk's voice through speech-dispatcher (libspeechd), which drives
 * espeak-ng on Debian. GLib only: it knows nothing of widgets (gh-narrator.c decides
 * what to say). Opening a connection may start the speech service and wait for it,
 * and every request writes to a socket, so all libspeechd calls run on one worker
 * thread fed in order (a GThreadPool of one); the main loop only queues. The
 * connection belongs to that thread alone. A request made before a cancel is dropped
 * unspoken (a generation number), so speech never lags behind the screen. When no
 * service answers, the state says so and the kiosk carries on silently.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <libspeechd.h>

#include "gh-speech.h"

typedef enum {
  JOB_OPEN,
  JOB_CLOSE,
  JOB_SAY,
  JOB_CANCEL,
  JOB_LANGUAGE,
  JOB_VOLUME,
  JOB_RATE,
} JobKind;

typedef struct {
  JobKind           kind;
  GhSpeechPriority  priority;
  char             *text;       /* JOB_SAY: what; JOB_LANGUAGE, JOB_OPEN: the language */
  int               value;      /* JOB_VOLUME, JOB_RATE; JOB_OPEN: the volume */
  int               rate;       /* JOB_OPEN */
  guint             generation;
  guint             session;
} Job;

struct _GhSpeech
{
  GObject        parent_instance;

  GThreadPool   *worker;
  GMainContext  *context;      /* where the state is reported */
  guint          generation;   /* atomic: requests older than this are dropped */
  guint          session;      /* atomic: one per start or stop; older reports are history */

  GhSpeechState  state;
  char          *language;
  int            volume;
  int            rate;

  /* The worker's own. */
  SPDConnection *connection;
};

G_DEFINE_FINAL_TYPE (GhSpeech, gh_speech, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_VOLUME,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
job_free (Job *job)
{
  g_free (job->text);
  g_free (job);
}

/* ---- reports to the main loop --------------------------------------------------- */

/* Holds a weak reference: a report may arrive after the object is gone. */
typedef struct {
  GWeakRef       self_ref;
  GhSpeechState  state;
  guint          session;
} Report;

static void
set_state (GhSpeech      *self,
           GhSpeechState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
report_state (gpointer data)
{
  Report *report = data;
  g_autoptr(GhSpeech) self = g_weak_ref_get (&report->self_ref);

  /* A report from before a stop or a new start is history (a cancel is not: it
   * only drops what was to be said). */
  if (self != NULL && self->state != GH_SPEECH_OFF
      && report->session == (guint) g_atomic_int_get (&self->session))
    set_state (self, report->state);
  return G_SOURCE_REMOVE;
}

static void
report_free (gpointer data)
{
  Report *report = data;

  g_weak_ref_clear (&report->self_ref);
  g_free (report);
}

static void
post_state (GhSpeech      *self,
            GhSpeechState  state,
            guint          session)
{
  Report *report = g_new0 (Report, 1);

  g_weak_ref_init (&report->self_ref, self);
  report->state = state;
  report->session = session;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, report_state, report,
                              report_free);
}

/* ---- the worker ------------------------------------------------------------------ */

static void
close_connection (GhSpeech *self)
{
  if (self->connection == NULL)
    return;
  spd_cancel (self->connection);
  spd_close (self->connection);
  self->connection = NULL;
}

static void
open_connection (GhSpeech *self,
                 Job      *job)
{
  char *error = NULL;

  if (self->connection == NULL)
    /* SPEECHD_ADDRESS, if set, says where; otherwise the user's own service, started
     * on demand. */
    self->connection = spd_open2 ("glasshouse", "kiosk", NULL, SPD_MODE_SINGLE, NULL, TRUE,
                                  &error);
  if (self->connection == NULL)
    {
      /* No speech service is a normal kiosk without one: a message, not a warning. */
      g_message ("Read aloud is not available: %s", error != NULL ? error : "no connection");
      free (error);
      post_state (self, GH_SPEECH_UNAVAILABLE, job->session);
      return;
    }
  spd_set_data_mode (self->connection, SPD_DATA_TEXT);
  spd_set_punctuation (self->connection, SPD_PUNCT_NONE);
  if (job->text != NULL)
    spd_set_language (self->connection, job->text);
  spd_set_volume (self->connection, job->value);
  spd_set_voice_rate (self->connection, job->rate);
  post_state (self, GH_SPEECH_READY, job->session);
}

static SPDPriority
spd_priority (GhSpeechPriority priority)
{
  switch (priority)
    {
    case GH_SPEECH_IMPORTANT:
      return SPD_IMPORTANT;
    case GH_SPEECH_MESSAGE:
    case GH_SPEECH_TEXT:
    default:
      /* Not SPD_TEXT: speech-dispatcher drops text waiting behind a message (all but
       * the last), and a screen's words must all be said, in order. What must jump
       * ahead cancels first (a new screen, a key that moves on, an urgent alert). */
      return SPD_MESSAGE;
    }
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  GhSpeech *self = user_data;
  gboolean failed = FALSE;

  switch (job->kind)
    {
    case JOB_OPEN:
      open_connection (self, job);
      break;
    case JOB_CLOSE:
      close_connection (self);
      break;
    case JOB_SAY:
      if (self->connection != NULL
          && job->generation == (guint) g_atomic_int_get (&self->generation))
        failed = spd_say (self->connection, spd_priority (job->priority), job->text) < 0;
      break;
    case JOB_CANCEL:
      if (self->connection != NULL)
        failed = spd_cancel (self->connection) < 0;
      break;
    case JOB_LANGUAGE:
      if (self->connection != NULL)
        failed = spd_set_language (self->connection, job->text) < 0;
      break;
    case JOB_VOLUME:
      if (self->connection != NULL)
        failed = spd_set_volume (self->connection, job->value) < 0;
      break;
    case JOB_RATE:
      if (self->connection != NULL)
        failed = spd_set_voice_rate (self->connection, job->value) < 0;
      break;
    }
  /* The service went away (stopped, crashed): say so once and stop trying. */
  if (failed)
    {
      g_message ("Read aloud stopped: the speech service does not answer");
      close_connection (self);
      post_state (self, GH_SPEECH_UNAVAILABLE, job->session);
    }
  job_free (job);
}

static void
queue (GhSpeech *self,
       JobKind   kind,
       Job      *job)
{
  job->kind = kind;
  job->generation = (guint) g_atomic_int_get (&self->generation);
  job->session = (guint) g_atomic_int_get (&self->session);
  g_thread_pool_push (self->worker, job, NULL);
}

/* ---- the API ----------------------------------------------------------------------- */

void
gh_speech_start (GhSpeech *self)
{
  Job *job;

  g_return_if_fail (GH_IS_SPEECH (self));

  if (self->state == GH_SPEECH_READY || self->state == GH_SPEECH_CONNECTING)
    return;
  /* Asking again after "not available" tries again: the service may be back. */
  g_atomic_int_inc (&self->generation);
  g_atomic_int_inc (&self->session);
  set_state (self, GH_SPEECH_CONNECTING);
  job = g_new0 (Job, 1);
  job->text = g_strdup (self->language);
  job->value = self->volume;
  job->rate = self->rate;
  queue (self, JOB_OPEN, job);
}

void
gh_speech_stop (GhSpeech *self)
{
  g_return_if_fail (GH_IS_SPEECH (self));

  g_atomic_int_inc (&self->generation);
  g_atomic_int_inc (&self->session);
  set_state (self, GH_SPEECH_OFF);
  queue (self, JOB_CLOSE, g_new0 (Job, 1));
}

GhSpeechState
gh_speech_get_state (GhSpeech *self)
{
  g_return_val_if_fail (GH_IS_SPEECH (self), GH_SPEECH_OFF);
  return self->state;
}

void
gh_speech_say (GhSpeech         *self,
               GhSpeechPriority  priority,
               const char       *text)
{
  Job *job;

  g_return_if_fail (GH_IS_SPEECH (self));

  if (text == NULL || *text == '\0'
      || (self->state != GH_SPEECH_READY && self->state != GH_SPEECH_CONNECTING))
    return;
  job = g_new0 (Job, 1);
  job->priority = priority;
  /* One utterance a line: the service would stop at a line break. */
  job->text = g_strdelimit (g_strdup (text), "\n\r\t", ' ');
  queue (self, JOB_SAY, job);
}

void
gh_speech_cancel (GhSpeech *self)
{
  g_return_if_fail (GH_IS_SPEECH (self));

  if (self->state == GH_SPEECH_OFF)
    return;
  g_atomic_int_inc (&self->generation);
  queue (self, JOB_CANCEL, g_new0 (Job, 1));
}

void
gh_speech_set_language (GhSpeech   *self,
                        const char *language)
{
  Job *job;

  g_return_if_fail (GH_IS_SPEECH (self));

  if (language == NULL || *language == '\0' || g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  job = g_new0 (Job, 1);
  job->text = g_strdup (language);
  queue (self, JOB_LANGUAGE, job);
}

void
gh_speech_set_volume (GhSpeech *self,
                      int       volume)
{
  Job *job;

  g_return_if_fail (GH_IS_SPEECH (self));

  volume = CLAMP (volume, -100, 100);
  if (self->volume == volume)
    return;
  self->volume = volume;
  job = g_new0 (Job, 1);
  job->value = volume;
  queue (self, JOB_VOLUME, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

int
gh_speech_get_volume (GhSpeech *self)
{
  g_return_val_if_fail (GH_IS_SPEECH (self), 0);
  return self->volume;
}

void
gh_speech_set_rate (GhSpeech *self,
                    int       rate)
{
  Job *job;

  g_return_if_fail (GH_IS_SPEECH (self));

  rate = CLAMP (rate, -100, 100);
  if (self->rate == rate)
    return;
  self->rate = rate;
  job = g_new0 (Job, 1);
  job->value = rate;
  queue (self, JOB_RATE, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

int
gh_speech_get_rate (GhSpeech *self)
{
  g_return_val_if_fail (GH_IS_SPEECH (self), 0);
  return self->rate;
}

/* ---- object ------------------------------------------------------------------------ */

static void
gh_speech_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GhSpeech *self = GH_SPEECH (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_VOLUME:
      g_value_set_int (value, self->volume);
      break;
    case PROP_RATE:
      g_value_set_int (value, self->rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_speech_dispose (GObject *object)
{
  GhSpeech *self = GH_SPEECH (object);

  if (self->worker != NULL)
    {
      /* Drops what waits, finishes what runs (an open may take a moment), then the
       * connection is ours to close. */
      g_atomic_int_inc (&self->generation);
      g_thread_pool_free (g_steal_pointer (&self->worker), TRUE, TRUE);
      close_connection (self);
    }
  G_OBJECT_CLASS (gh_speech_parent_class)->dispose (object);
}

static void
gh_speech_finalize (GObject *object)
{
  GhSpeech *self = GH_SPEECH (object);

  g_main_context_unref (self->context);
  g_free (self->language);

  G_OBJECT_CLASS (gh_speech_parent_class)->finalize (object);
}

static void
gh_speech_class_init (GhSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gh_speech_get_property;
  object_class->dispose = gh_speech_dispose;
  object_class->finalize = gh_speech_finalize;

  /* A GhSpeechState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, GH_SPEECH_OFF, GH_SPEECH_UNAVAILABLE, GH_SPEECH_OFF,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOLUME] =
    g_param_spec_int ("volume", NULL, NULL, -100, 100, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_int ("rate", NULL, NULL, -100, 100, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_speech_init (GhSpeech *self)
{
  self->context = g_main_context_ref_thread_default ();
  /* One thread, so requests are spoken in the order they were made. */
  self->worker = g_thread_pool_new (run_job, self, 1, FALSE, NULL);
}

GhSpeech *
gh_speech_new (void)
{
  return g_object_new (GH_TYPE_SPEECH, NULL);
}
