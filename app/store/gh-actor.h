/* GhActor: who did something the audit chain records. Written into every event
 * as text ("shopper", "staff:<id>", "hq", "system", or another word a tool
 * records, such as "cli"), which this type parses, checks and writes back, so
 * that no layer takes the text apart on its own.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  GH_ACTOR_SHOPPER,  /* "shopper": the shopper at the kiosk */
  GH_ACTOR_STAFF,    /* "staff:<id>": a staff member, by their id in the config */
  GH_ACTOR_HQ,       /* "hq": HQ, through a bundle */
  GH_ACTOR_SYSTEM,   /* "system": the kiosk itself (a PIN lock) */
  GH_ACTOR_OTHER,    /* any other word, e.g. "cli" or "dpo" from glasshouse-ctl --actor */
} GhActorKind;

/* The longest actor text the chain accepts, in bytes. */
#define GH_ACTOR_MAX_BYTES 80

typedef struct {
  GhActorKind  kind;
  char        *id;  /* the staff id (GH_ACTOR_STAFF), the word (GH_ACTOR_OTHER), else NULL */
} GhActor;

#define GH_TYPE_ACTOR (gh_actor_get_type ())
GType       gh_actor_get_type        (void) G_GNUC_CONST;

/* @id: the staff id for GH_ACTOR_STAFF, the word for GH_ACTOR_OTHER, else NULL.
 * NULL (with a GH_STORE_ERROR_INVALID) when the text would not be valid. */
GhActor    *gh_actor_new             (GhActorKind   kind,
                                      const char   *id,
                                      GError      **error);
/* Parses an actor text; NULL with a GH_STORE_ERROR_INVALID if it is not valid. */
GhActor    *gh_actor_parse           (const char   *text,
                                      GError      **error);
GhActor    *gh_actor_copy            (const GhActor *actor);
void        gh_actor_free            (GhActor      *actor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhActor, gh_actor_free)

/* The one check for what the chain records: 1 to GH_ACTOR_MAX_BYTES bytes of
 * printable ASCII, no spaces or control characters; "staff:" must be followed
 * by a staff id. FALSE with a GH_STORE_ERROR_INVALID otherwise. */
gboolean    gh_actor_text_is_valid   (const char   *text,
                                      GError      **error);
/* The text written into events: "staff:s-0042", "shopper", ... */
char       *gh_actor_to_string       (const GhActor *actor);
/* The staff id of a GH_ACTOR_STAFF actor, else NULL. */
const char *gh_actor_get_staff_id    (const GhActor *actor);
/* The staff id in an actor text, or NULL when @text is not a valid staff actor. */
char       *gh_actor_text_dup_staff_id (const char *text);

G_END_DECLS
