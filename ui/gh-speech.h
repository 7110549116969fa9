/* GhSpeech: the kiosk's voice, a speech-dispatcher client whose every call runs on
 * one worker thread, so the screen never waits for the speech service.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  GH_SPEECH_OFF,          /* no connection asked for */
  GH_SPEECH_CONNECTING,   /* asked for, not answered yet */
  GH_SPEECH_READY,        /* speaking */
  GH_SPEECH_UNAVAILABLE,  /* no speech service answered: the kiosk goes on silently */
} GhSpeechState;

typedef enum {
  GH_SPEECH_TEXT,       /* read in turn (a focused control, a list) */
  GH_SPEECH_MESSAGE,    /* a screen's announcement */
  GH_SPEECH_IMPORTANT,  /* at once, over anything else (the idle warning, a preview) */
} GhSpeechPriority;

/* The volume and rate steps the shopper moves through, as speech-dispatcher's -100..100. */
#define GH_SPEECH_STEP 20

#define GH_TYPE_SPEECH (gh_speech_get_type ())
G_DECLARE_FINAL_TYPE (GhSpeech, gh_speech, GH, SPEECH, GObject)

GhSpeech      *gh_speech_new          (void);
/* Connects (in the worker; speech-dispatcher may be started on demand), then
 * speaks what is said from then on. The state property tells how it went. */
void           gh_speech_start        (GhSpeech         *self);
/* Silence at once and close the connection: nothing queued is spoken after this. */
void           gh_speech_stop         (GhSpeech         *self);
GhSpeechState  gh_speech_get_state    (GhSpeech         *self);
void           gh_speech_say          (GhSpeech         *self,
                                       GhSpeechPriority  priority,
                                       const char       *text);
/* Drops what is being said and what is waiting: a new screen speaks at once. */
void           gh_speech_cancel       (GhSpeech         *self);
/* An ISO 639 code ("de"); the voice follows. */
void           gh_speech_set_language (GhSpeech         *self,
                                       const char       *language);
/* -100..100, clamped. */
void           gh_speech_set_volume   (GhSpeech         *self,
                                       int               volume);
int            gh_speech_get_volume   (GhSpeech         *self);
void           gh_speech_set_rate     (GhSpeech         *self,
                                       int               rate);
int            gh_speech_get_rate     (GhSpeech         *self);

G_END_DECLS
