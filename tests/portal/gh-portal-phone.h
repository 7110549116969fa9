/* A phone for the plain-HTTP tests: a libsoup client that keeps the portal's
 * cookies (by hand: they are Secure, and the tests speak plain HTTP too) and
 * never follows redirects, so each answer can be checked as it was sent.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  SoupSession *session;
  char        *base;
  GHashTable  *cookies;
  char        *accept_language;
} GhPhone;

typedef struct {
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
} GhPhoneAnswer;

GhPhone       *gh_phone_new          (const char *base);
void           gh_phone_free         (GhPhone    *phone);
/* GET @path; the answer's headers stay valid until the answer is freed. */
GhPhoneAnswer *gh_phone_get          (GhPhone    *phone,
                                      const char *path);
/* POST @path with "name", "value" pairs, NULL-terminated (a NULL name ends). */
GhPhoneAnswer *gh_phone_post         (GhPhone    *phone,
                                      const char *path,
                                      ...) G_GNUC_NULL_TERMINATED;
void           gh_phone_answer_free  (GhPhoneAnswer *answer);
/* The value of the hidden csrf field in @body, or NULL. */
char          *gh_phone_csrf         (const char *body);
/* Signs in (GET the form, POST it); returns the final status. */
guint          gh_phone_sign_in      (GhPhone    *phone,
                                      const char *loyalty_id,
                                      const char *pin);

/* Asserts the headers every answer carries (CSP, Referrer-Policy, nosniff; Cache-Control:
 * no-store when @no_store), and no HSTS: these tests speak plain HTTP. */
void           gh_phone_assert_security_headers (GhPhoneAnswer *answer,
                                                 gboolean       no_store);
/* GET @path and assert the plain "This link is not valid" page with @status, no detail. */
void           gh_phone_assert_invalid (GhPhone    *phone,
                                        const char *path,
                                        guint       status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPhone, gh_phone_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPhoneAnswer, gh_phone_answer_free)

G_END_DECLS
