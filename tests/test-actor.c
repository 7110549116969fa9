/* GhActor: the actor texts the audit chain records parse into a kind and an id
 * and back to the same text, and the one check refuses what must never enter the
 * append-only chain, there and in gh_store_append_event.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store/gh-actor.h"
#include "store/gh-store.h"

#include "gh-test-utils.h"

static void
test_round_trip (void)
{
  static const struct {
    const char  *text;
    GhActorKind  kind;
    const char  *id;
  } cases[] = {
    { "shopper", GH_ACTOR_SHOPPER, NULL },
    { "staff:s-0042", GH_ACTOR_STAFF, "s-0042" },
    { "hq", GH_ACTOR_HQ, NULL },
    { "system", GH_ACTOR_SYSTEM, NULL },
    { "cli", GH_ACTOR_OTHER, "cli" },
    { "dpo@example.org", GH_ACTOR_OTHER, "dpo@example.org" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhActor) actor = gh_actor_parse (cases[i].text, &error);
      g_autoptr(GhActor) copy = NULL;
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (actor->kind, ==, cases[i].kind);
      g_assert_cmpstr (actor->id, ==, cases[i].id);
      text = gh_actor_to_string (actor);
      g_assert_cmpstr (text, ==, cases[i].text);
      copy = gh_actor_copy (actor);
      g_assert_cmpint (copy->kind, ==, actor->kind);
      g_assert_cmpstr (copy->id, ==, actor->id);
      g_assert_cmpstr (gh_actor_get_staff_id (actor), ==,
                       cases[i].kind == GH_ACTOR_STAFF ? cases[i].id : NULL);
    }
}

static void
test_new (void)
{
  g_autoptr(GhActor) staff = gh_actor_new (GH_ACTOR_STAFF, "s-1", NULL);
  g_autoptr(GhActor) hq = gh_actor_new (GH_ACTOR_OTHER, "hq", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gh_actor_to_string (staff);
  g_autofree char *staff_id = gh_actor_text_dup_staff_id ("staff:s-9");

  g_assert_cmpstr (text, ==, "staff:s-1");
  /* One kind per text: the word "hq" is HQ, however it was made. */
  g_assert_cmpint (hq->kind, ==, GH_ACTOR_HQ);
  g_assert_cmpstr (staff_id, ==, "s-9");
  g_assert_null (gh_actor_text_dup_staff_id ("shopper"));
  g_assert_null (gh_actor_new (GH_ACTOR_STAFF, NULL, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
}

static void
test_refused (void)
{
  g_autofree char *long_text = g_strnfill (GH_ACTOR_MAX_BYTES + 1, 'a');
  g_autofree char *longest = g_strnfill (GH_ACTOR_MAX_BYTES, 'a');
  const char *bad[] = { "", "staff:", "staff: sam", "two words", "tab\there", "line\nbreak",
                        "bell\a", "caf\xc3\xa9", "del\x7f", long_text };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (gh_actor_text_is_valid (bad[i], &error));
      g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_null (gh_actor_parse (bad[i], &error));
      g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
    }
  g_assert_false (gh_actor_text_is_valid (NULL, NULL));
  g_assert_true (gh_actor_text_is_valid (longest, NULL));
}

static void
test_chain_refuses (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gh_store_append_event (store, "staff: sam", NULL, "staff.note", "{}", &error),
                   ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gh_store_append_event (store, "staff:s-0042", NULL, "staff.note", "{}", &error),
                   >, 0);
  g_assert_no_error (error);
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/actor/round-trip", test_round_trip);
  g_test_add_func ("/actor/new", test_new);
  g_test_add_func ("/actor/refused", test_refused);
  g_test_add_func ("/actor/chain-refuses", test_chain_refuses);
  return g_test_run ();
}
