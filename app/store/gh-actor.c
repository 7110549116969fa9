/* GhActor: the one place actor texts are parsed, checked and written. The check
 * matters because an actor goes into the append-only chain, where a control
 * character or a megabyte of text could never be taken out again.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-actor.h"

#include <string.h>

#include "store/gh-store.h"

#define STAFF_PREFIX "staff:"

G_DEFINE_BOXED_TYPE (GhActor, gh_actor, gh_actor_copy, gh_actor_free)

static const char *fixed_words[] = {
  [GH_ACTOR_SHOPPER] = "shopper",
  [GH_ACTOR_HQ] = "hq",
  [GH_ACTOR_SYSTEM] = "system",
};

static gboolean
text_is_valid (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > GH_ACTOR_MAX_BYTES)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isgraph (*p))
      return FALSE;
  /* "staff:" alone names nobody. */
  return !g_str_equal (text, STAFF_PREFIX);
}

gboolean
gh_actor_text_is_valid (const char  *text,
                        GError     **error)
{
  g_autofree char *head = NULL;
  g_autofree char *shown = NULL;

  if (text_is_valid (text))
    return TRUE;
  /* The refused text, cut short and escaped, since it may hold anything. */
  head = g_strndup (text != NULL ? text : "", GH_ACTOR_MAX_BYTES);
  shown = g_strescape (head, NULL);
  g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID,
               "\"%s\" is not an actor (1 to %d printable ASCII characters without spaces, "
               "such as shopper, cli or staff:<id>)", shown, GH_ACTOR_MAX_BYTES);
  return FALSE;
}

GhActor *
gh_actor_parse (const char  *text,
                GError     **error)
{
  GhActor *actor;

  if (!gh_actor_text_is_valid (text, error))
    return NULL;
  actor = g_new0 (GhActor, 1);
  actor->kind = GH_ACTOR_OTHER;
  for (guint kind = 0; kind < G_N_ELEMENTS (fixed_words); kind++)
    if (fixed_words[kind] != NULL && g_str_equal (text, fixed_words[kind]))
      {
        actor->kind = (GhActorKind) kind;
        return actor;
      }
  if (g_str_has_prefix (text, STAFF_PREFIX))
    {
      actor->kind = GH_ACTOR_STAFF;
      actor->id = g_strdup (text + strlen (STAFF_PREFIX));
    }
  else
    actor->id = g_strdup (text);
  return actor;
}

GhActor *
gh_actor_new (GhActorKind   kind,
              const char   *id,
              GError      **error)
{
  GhActor probe = { kind, (char *) id };
  g_autofree char *text = NULL;

  g_return_val_if_fail (kind <= GH_ACTOR_OTHER, NULL);

  if ((kind == GH_ACTOR_STAFF || kind == GH_ACTOR_OTHER) && id == NULL)
    {
      gh_actor_text_is_valid (kind == GH_ACTOR_STAFF ? STAFF_PREFIX : "", error);
      return NULL;
    }
  text = gh_actor_to_string (&probe);
  /* Parsed back, so that OTHER "hq" comes out as HQ and the kinds stay one. */
  return gh_actor_parse (text, error);
}

GhActor *
gh_actor_copy (const GhActor *actor)
{
  GhActor *copy;

  g_return_val_if_fail (actor != NULL, NULL);
  copy = g_new0 (GhActor, 1);
  copy->kind = actor->kind;
  copy->id = g_strdup (actor->id);
  return copy;
}

void
gh_actor_free (GhActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->id);
  g_free (actor);
}

char *
gh_actor_to_string (const GhActor *actor)
{
  g_return_val_if_fail (actor != NULL, NULL);

  switch (actor->kind)
    {
    case GH_ACTOR_STAFF:
      return g_strconcat (STAFF_PREFIX, actor->id, NULL);
    case GH_ACTOR_OTHER:
      return g_strdup (actor->id);
    case GH_ACTOR_SHOPPER:
    case GH_ACTOR_HQ:
    case GH_ACTOR_SYSTEM:
    default:
      return g_strdup (fixed_words[actor->kind]);
    }
}

const char *
gh_actor_get_staff_id (const GhActor *actor)
{
  g_return_val_if_fail (actor != NULL, NULL);
  return actor->kind == GH_ACTOR_STAFF ? actor->id : NULL;
}

char *
gh_actor_text_dup_staff_id (const char *text)
{
  g_autoptr(GhActor) actor = gh_actor_parse (text, NULL);

  return actor != NULL ? g_strdup (gh_actor_get_staff_id (actor)) : NULL;
}
