/* See gh-portal-phone.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-portal-phone.h"

#include <string.h>

#include "gh-test-utils.h"

GhPhone *
gh_phone_new (const char *base)
{
  GhPhone *phone = g_new0 (GhPhone, 1);

  phone->session = soup_session_new_with_options ("timeout", 30, NULL);
  phone->base = g_strdup (base);
  phone->cookies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return phone;
}

void
gh_phone_free (GhPhone *phone)
{
  g_object_unref (phone->session);
  g_hash_table_unref (phone->cookies);
  g_free (phone->base);
  g_free (phone->accept_language);
  g_free (phone);
}

void
gh_phone_answer_free (GhPhoneAnswer *answer)
{
  g_free (answer->body);
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_free (answer);
}

static void
keep_cookie (const char *name,
             const char *value,
             gpointer    user_data)
{
  GhPhone *phone = user_data;
  g_autofree char *pair = g_strndup (value, strcspn (value, ";"));
  char *equals = strchr (pair, '=');

  if (equals == NULL)
    return;
  *equals = '\0';
  if (strstr (value, "Max-Age=0") != NULL || equals[1] == '\0')
    g_hash_table_remove (phone->cookies, pair);
  else
    g_hash_table_replace (phone->cookies, g_strdup (pair), g_strdup (equals + 1));
}

static GhPhoneAnswer *
send (GhPhone     *phone,
      SoupMessage *msg)
{
  GhPhoneAnswer *answer = g_new0 (GhPhoneAnswer, 1);
  SoupMessageHeaders *request = soup_message_get_request_headers (msg);
  g_autoptr(GString) cookie = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *name, *value;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  g_hash_table_iter_init (&iter, phone->cookies);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
    g_string_append_printf (cookie, "%s%s=%s", cookie->len > 0 ? "; " : "", name, value);
  if (cookie->len > 0)
    soup_message_headers_replace (request, "Cookie", cookie->str);
  if (phone->accept_language != NULL)
    soup_message_headers_replace (request, "Accept-Language", phone->accept_language);
  body = soup_session_send_and_read (phone->session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  {
    SoupMessageHeadersIter hiter;
    soup_message_headers_iter_init (&hiter, answer->headers);
    while (soup_message_headers_iter_next (&hiter, &name, &value))
      if (g_ascii_strcasecmp (name, "Set-Cookie") == 0)
        keep_cookie (name, value, phone);
  }
  return answer;
}

GhPhoneAnswer *
gh_phone_get (GhPhone    *phone,
              const char *path)
{
  g_autofree char *url = g_strconcat (phone->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  return send (phone, msg);
}

GhPhoneAnswer *
gh_phone_post (GhPhone    *phone,
               const char *path,
               ...)
{
  g_autofree char *url = g_strconcat (phone->base, path, NULL);
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *encoded = NULL;
  va_list args;
  const char *name;

  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (fields, (gpointer) name, va_arg (args, char *));
  va_end (args);
  encoded = soup_form_encode_hash (fields);
  msg = soup_message_new ("POST", url);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (encoded, strlen (encoded));
    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  }
  return send (phone, msg);
}

char *
gh_phone_csrf (const char *body)
{
  const char *mark = "name=\"csrf\" value=\"";
  const char *start = body != NULL ? strstr (body, mark) : NULL;

  if (start == NULL)
    return NULL;
  start += strlen (mark);
  return g_strndup (start, strcspn (start, "\""));
}

guint
gh_phone_sign_in (GhPhone    *phone,
                  const char *loyalty_id,
                  const char *pin)
{
  g_autoptr(GhPhoneAnswer) form = gh_phone_get (phone, "/sign-in");
  g_autofree char *csrf = gh_phone_csrf (form->body);
  g_autoptr(GhPhoneAnswer) answer = NULL;

  g_assert_nonnull (csrf);
  answer = gh_phone_post (phone, "/sign-in", "loyalty", loyalty_id, "pin", pin, "csrf", csrf, NULL);
  return answer->status;
}

void
gh_phone_assert_security_headers (GhPhoneAnswer *answer,
                         gboolean       no_store)
{
  const char *csp = soup_message_headers_get_one (answer->headers, "Content-Security-Policy");

  g_assert_nonnull (csp);
  g_assert_nonnull (strstr (csp, "default-src 'self'"));
  g_assert_nonnull (strstr (csp, "script-src 'none'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Referrer-Policy"), ==, "no-referrer");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Content-Type-Options"), ==, "nosniff");
  if (no_store)
    g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==, "no-store");
  /* Plain HTTP here: HSTS belongs to TLS answers only (the browser test checks those). */
  g_assert_null (soup_message_headers_get_one (answer->headers, "Strict-Transport-Security"));
}

void
gh_phone_assert_invalid (GhPhone    *phone,
                const char *path,
                guint       status)
{
  g_autoptr(GhPhoneAnswer) answer = gh_phone_get (phone, path);

  if (answer->status != status)
    gh_test_fail ("GET %.40s…: status %u, expected %u", path, answer->status, status);
  g_assert_nonnull (strstr (answer->body, "This link is not valid"));
  /* No detail: nothing says which check refused it. */
  g_assert_null (strstr (answer->body, "signature"));
  g_assert_null (strstr (answer->body, "expired"));
  g_assert_null (strstr (answer->body, "kiosk-"));
  gh_phone_assert_security_headers (answer, TRUE);
}
