/* The portal's server: one libsoup handler that copies each request out of its
 * message, runs the route in a worker thread (HQ's PostgreSQL, token checks,
 * argon2id and the offer engine never run on the main loop), then puts the
 * answer and the security headers on the message. Limits: a body size checked
 * before the body is read, and a deadline per connection's request, so a
 * client that trickles bytes cannot hold a connection. One log line per request
 * names the route, never the path (a token is a bearer credential).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-private.h"

G_DEFINE_FINAL_TYPE (GhPortal, gh_portal, G_TYPE_OBJECT)

#define LOG_DOMAIN "glasshouse-portal"

static const char csp[] =
  "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
  "form-action 'self'; frame-ancestors 'none'; img-src 'self'; style-src 'self'";

static void
gh_portal_finalize (GObject *object)
{
  GhPortal *self = GH_PORTAL (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->bundle_trust);
  g_clear_pointer (&self->db, gh_portal_db_free);
  g_clear_pointer (&self->sessions, _gh_portal_sessions_free);
  g_clear_pointer (&self->config, gh_portal_config_free);
  g_clear_pointer (&self->kiosk_trust, gh_token_trust_free);
  g_clear_pointer (&self->catalogs, g_hash_table_unref);
  g_clear_pointer (&self->receipt_keys, gh_kiosk_keys_free);
  g_clear_pointer (&self->staff, _gh_portal_staff_free);
  g_mutex_clear (&self->cache_lock);
  sodium_memzero (self->secret, sizeof self->secret);
  G_OBJECT_CLASS (gh_portal_parent_class)->finalize (object);
}

static void
gh_portal_class_init (GhPortalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_portal_finalize;
}

static void
gh_portal_init (GhPortal *self)
{
  g_mutex_init (&self->cache_lock);
  self->catalogs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

/* ---- one request ---------------------------------------------------------- */

static void
request_free (GhPortalRequest *req)
{
  GHashTableIter iter;
  char *value;

  /* Form fields hold PINs and loyalty numbers: not left behind in freed memory. */
  g_hash_table_iter_init (&iter, req->form);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &value))
    if (value != NULL)
      sodium_memzero (value, strlen (value));
  g_free (req->method);
  g_free (req->path);
  g_hash_table_unref (req->query);
  g_hash_table_unref (req->form);
  g_hash_table_unref (req->cookies);
  g_free (req->accept_language);
  g_free (req->client);
  g_free (req->lang);
  g_free (req->content_type);
  g_string_free (req->body, TRUE);
  g_ptr_array_unref (req->set_cookies);
  g_free (req->location);
  g_free (req->disposition);
  g_free (req->csp);
  g_free (req);
}

static GHashTable *
empty_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static GHashTable *
decode_form (const char *text)
{
  return text != NULL && *text != '\0' ? soup_form_decode (text) : empty_table ();
}

/* The language of the page: the switcher's ?lang=, then its cookie, then the
 * phone's Accept-Language, then English. A receipt page may still prefer the
 * receipt's own language when neither the switcher nor the cookie said. */
static void
choose_language (GhPortalRequest *req)
{
  const char *asked = g_hash_table_lookup (req->query, "lang");
  const char *cookie = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_LANG);
  const char *negotiated = gh_portal_i18n_negotiate (req->accept_language);

  if (gh_portal_i18n_supports (asked))
    {
      req->lang = g_strdup (asked);
      _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_LANG, asked, 365 * 24 * 3600);
    }
  else if (gh_portal_i18n_supports (cookie))
    req->lang = g_strdup (cookie);
  else
    req->lang = g_strdup (negotiated != NULL ? negotiated : "en");
}

static GhPortalRequest *
request_new (GhPortal          *self,
             SoupServerMessage *msg,
             const char        *path)
{
  GhPortalRequest *req = g_new0 (GhPortalRequest, 1);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *cookie = soup_message_headers_get_one (headers, "Cookie");
  const char *host = soup_server_message_get_remote_host (msg);
  const char *proto = soup_message_headers_get_one (headers, "X-Forwarded-Proto");

  req->portal = self;
  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->query = decode_form (g_uri_get_query (uri));
  req->cookies = cookie != NULL ? soup_header_parse_semi_param_list (cookie) : empty_table ();
  req->accept_language = g_strdup (soup_message_headers_get_one (headers, "Accept-Language"));
  req->https = self->tls;
  req->client = g_strdup (host != NULL ? host : "");
  if (self->config->behind_proxy && g_strcmp0 (host, "127.0.0.1") == 0)
    {
      /* Only a proxy on this machine may say who the client is. */
      const char *forwarded = soup_message_headers_get_one (headers, "X-Forwarded-For");
      if (forwarded != NULL)
        {
          g_free (req->client);
          req->client = g_strstrip (g_strndup (forwarded, strcspn (forwarded, ",")));
        }
      req->https = g_strcmp0 (proto, "https") == 0;
    }
  if (g_str_equal (req->method, "POST"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      req->form = decode_form (text);
    }
  else
    req->form = empty_table ();
  req->body = g_string_new (NULL);
  req->set_cookies = g_ptr_array_new_with_free_func (g_free);
  req->status = 200;
  choose_language (req);
  return req;
}

/* ---- routes --------------------------------------------------------------- */

typedef struct {
  const char      *method;   /* NULL: GET and POST */
  const char      *prefix;
  gboolean         exact;
  GhPortalHandler  handler;
  const char      *name;     /* for the log */
} Route;

static const Route routes[] = {
  { "GET",  "/",             TRUE,  _gh_portal_handle_home,      "home" },
  { "GET",  "/r/",           FALSE, _gh_portal_handle_receipt,   "receipt" },
  { "POST", "/code",         TRUE,  _gh_portal_handle_code,      "code" },
  { NULL,   "/sign-in",      TRUE,  _gh_portal_handle_sign_in,   "sign-in" },
  { "POST", "/sign-out",     TRUE,  _gh_portal_handle_sign_out,  "sign-out" },
  { "GET",  "/me",           TRUE,  _gh_portal_handle_me,        "me" },
  { "GET",  "/me/copy",      TRUE,  _gh_portal_handle_copy,      "copy" },
  { "GET",  "/me/copy.json", TRUE,  _gh_portal_handle_copy_json, "copy-json" },
  { NULL,   "/me/choice",    TRUE,  _gh_portal_handle_choice,    "choice" },
  { NULL,   "/me/forget",    TRUE,  _gh_portal_handle_forget,    "forget" },
  { "GET",  "/hq",           TRUE,  _gh_portal_handle_hq,          "hq" },
  { "POST", "/hq/sign-in",   TRUE,  _gh_portal_handle_hq_sign_in,  "hq-sign-in" },
  { "GET",  "/hq/report",    TRUE,  _gh_portal_handle_hq_report,   "hq-report" },
  { "POST", "/hq/sign-out",  TRUE,  _gh_portal_handle_hq_sign_out, "hq-sign-out" },
};

static const Route *
find_route (const char *method,
            const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      const Route *route = &routes[i];
      gboolean path_ok = route->exact ? g_str_equal (path, route->prefix)
                                      : g_str_has_prefix (path, route->prefix);
      if (path_ok && (route->method != NULL ? g_str_equal (method, route->method)
                                            : (g_str_equal (method, "GET") || g_str_equal (method, "POST"))))
        return route;
    }
  return NULL;
}

/* ---- answering ------------------------------------------------------------ */

static void
add_security_headers (GhPortal          *self,
                      SoupServerMessage *msg,
                      gboolean           https,
                      const char        *route_csp)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Content-Security-Policy", route_csp != NULL ? route_csp : csp);
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Cross-Origin-Opener-Policy", "same-origin");
  soup_message_headers_replace (headers, "Permissions-Policy", "camera=(), geolocation=(), microphone=()");
  if (https)
    soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
}

static void
log_request (const char *method,
             const char *route,
             guint       status,
             gint64      started)
{
  /* Route names only: never the path, the query, a cookie or a form field. */
  g_log (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "%s %s %u %.1f ms", method, route, status,
         (g_get_monotonic_time () - started) / 1000.0);
}

static void
respond (GhPortal          *self,
         SoupServerMessage *msg,
         GhPortalRequest   *req,
         gint64             started)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  add_security_headers (self, msg, req->https, req->csp);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Vary", "Cookie, Accept-Language");
  for (guint i = 0; i < req->set_cookies->len; i++)
    soup_message_headers_append (headers, "Set-Cookie", g_ptr_array_index (req->set_cookies, i));
  if (req->location != NULL)
    soup_message_headers_replace (headers, "Location", req->location);
  if (req->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", req->disposition);
  if (req->retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", req->retry_after);
      soup_message_headers_replace (headers, "Retry-After", seconds);
    }
  soup_server_message_set_status (msg, req->status, NULL);
  soup_server_message_set_response (msg, req->content_type != NULL ? req->content_type
                                                                  : "text/html; charset=utf-8",
                                    SOUP_MEMORY_COPY, req->body->str, req->body->len);
  log_request (req->method, req->route, req->status, started);
}

typedef struct {
  GhPortal          *portal;
  SoupServerMessage *msg;
  GhPortalRequest   *req;
  GhPortalHandler    handler;
  gint64             started;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->msg);
  g_object_unref (job->portal);
  request_free (job->req);
  g_free (job);
}

static void
job_run (GTask        *task,
         gpointer      source,
         gpointer      data,
         GCancellable *cancellable)
{
  Job *job = data;

  job->handler (job->req);
  if (job->req->conn != NULL)
    gh_portal_db_give (job->portal->db, g_steal_pointer (&job->req->conn));
  g_task_return_boolean (task, TRUE);
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  g_object_set_data (G_OBJECT (job->msg), "gh-portal-busy", NULL);
  respond (job->portal, job->msg, job->req, job->started);
  soup_server_message_unpause (job->msg);
}

static void
serve_stylesheet (GhPortal          *self,
                  SoupServerMessage *msg,
                  gint64             started)
{
  g_autoptr(GBytes) css = g_resources_lookup_data ("/org/glasshouse/Portal/portal.css", 0, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  add_security_headers (self, msg, self->tls, NULL);
  /* The one thing that is the same for everyone. */
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=3600");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/css; charset=utf-8", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (css, NULL), g_bytes_get_size (css));
  log_request ("GET", "stylesheet", 200, started);
}

static void
refuse_plain (GhPortal          *self,
              SoupServerMessage *msg,
              guint              status,
              const char        *route,
              gint64             started)
{
  static const char body[] = "<!DOCTYPE html><title>Refused</title><p>Refused.</p>\n";
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  add_security_headers (self, msg, self->tls, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
  log_request (soup_server_message_get_method (msg), route, status, started);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  GhPortal *self = user_data;
  gint64 started = g_get_monotonic_time ();
  const char *method = soup_server_message_get_method (msg);
  const Route *route;
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (g_str_equal (path, "/portal.css") && g_str_equal (method, "GET"))
    {
      serve_stylesheet (self, msg, started);
      return;
    }
  route = find_route (method, path);
  if (route == NULL)
    {
      /* Unknown path or method: the "not valid" page, through a worker like the rest. */
      route = &(Route) { NULL, NULL, FALSE, NULL, "unknown" };
    }
  job = g_new0 (Job, 1);
  job->portal = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->req = request_new (self, msg, path);
  job->req->route = route->name;
  job->handler = route->handler;
  job->started = started;
  if (job->handler == NULL)
    {
      _gh_portal_page_invalid (job->req, g_str_equal (method, "GET") || g_str_equal (method, "POST")
                                         ? 404 : 405);
      respond (self, msg, job->req, started);
      job_free (job);
      return;
    }
  g_object_set_data (G_OBJECT (msg), "gh-portal-busy", GINT_TO_POINTER (1));
  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, job_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_run);
}

/* Before the body is read: refuse a body that is too large or of unknown size. */
static void
early_limits (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  GhPortal *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    refuse_plain (self, msg, 411, "too-large", g_get_monotonic_time ());
  else if (length > self->config->max_body_bytes)
    refuse_plain (self, msg, 413, "too-large", g_get_monotonic_time ());
}

/* ---- the time limit ------------------------------------------------------- */

typedef struct {
  SoupServerMessage *msg;   /* weak: cleared when it goes away */
  guint              timer;
} Deadline;

static void
deadline_msg_gone (gpointer  data,
                   GObject  *where_it_was)
{
  ((Deadline *) data)->msg = NULL;
}

static void
deadline_msg_finished (SoupServerMessage *msg,
                       Deadline          *deadline)
{
  /* Removing the timer frees @deadline (deadline_free). */
  g_source_remove (deadline->timer);
}

static void
deadline_free (gpointer data)
{
  Deadline *deadline = data;

  if (deadline->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (deadline->msg, deadline);
      g_object_weak_unref (G_OBJECT (deadline->msg), deadline_msg_gone, deadline);
    }
  g_free (deadline);
}

static gboolean
deadline_expired (gpointer data)
{
  Deadline *deadline = data;

  /* A request whose worker is running finishes by itself: HQ's statements have
   * their own timeout. One still being read is cut off. */
  if (deadline->msg != NULL && g_object_get_data (G_OBJECT (deadline->msg), "gh-portal-busy") == NULL)
    {
      GSocket *socket = soup_server_message_get_socket (deadline->msg);
      g_log (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "a request took too long to arrive; closed");
      if (socket != NULL)
        g_socket_close (socket, NULL);
    }
  return G_SOURCE_REMOVE;
}

static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  GhPortal *self = user_data;
  Deadline *deadline = g_new0 (Deadline, 1);

  deadline->msg = msg;
  g_object_weak_ref (G_OBJECT (msg), deadline_msg_gone, deadline);
  g_signal_connect (msg, "finished", G_CALLBACK (deadline_msg_finished), deadline);
  deadline->timer = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, self->config->request_seconds,
                                                deadline_expired, deadline, deadline_free);
}

/* ---- set-up ----------------------------------------------------------------- */

GhPortal *
gh_portal_new (const GhPortalConfig  *config,
               GError               **error)
{
  g_autoptr(GhPortal) self = g_object_new (GH_TYPE_PORTAL, NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  self->config = g_new0 (GhPortalConfig, 1);
  *self->config = *config;
  self->config->address = g_strdup (config->address);
  self->config->postgres = g_strdup (config->postgres);
  self->config->bundle_trust = g_strdup (config->bundle_trust);
  self->config->tls_certificate = g_strdup (config->tls_certificate);
  self->config->tls_key = g_strdup (config->tls_key);
  self->config->localedir = g_strdup (config->localedir);
  self->config->receipt_key = g_strdup (config->receipt_key);
  self->config->portal_id = g_strdup (config->portal_id);
  self->config->hq_staff_file = g_strdup (config->hq_staff_file);
  self->config->hq_report_postgres = g_strdup (config->hq_report_postgres);

  self->bundle_trust = gh_trust_new_from_file (config->bundle_trust, error);
  if (self->bundle_trust == NULL)
    return NULL;
  if (config->receipt_key != NULL)
    {
      self->receipt_keys = _gh_portal_receipt_keys_load (config->receipt_key, error);
      if (self->receipt_keys == NULL)
        return NULL;
    }
  if (config->hq_staff_file != NULL)
    {
      self->staff = _gh_portal_staff_load (config->hq_staff_file, error);
      if (self->staff == NULL)
        return NULL;
    }
  if (config->tls_certificate != NULL)
    {
      certificate = g_tls_certificate_new_from_files (config->tls_certificate, config->tls_key, error);
      if (certificate == NULL)
        return NULL;
      self->tls = TRUE;
    }
  gh_portal_i18n_init (config->localedir, NULL);
  randombytes_buf (self->secret, sizeof self->secret);
  self->db = gh_portal_db_new (config->postgres, config->pool_size, config->request_seconds);
  self->sessions = _gh_portal_sessions_new (config->session_minutes, config->session_max_minutes,
                                            config->code_attempts);
  self->server = soup_server_new ("server-header", "glasshouse-portal",
                                  "tls-certificate", certificate, NULL);
  soup_server_add_early_handler (self->server, NULL, early_limits, self, NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  g_signal_connect_object (self->server, "request-started", G_CALLBACK (request_started), self, 0);
  return g_steal_pointer (&self);
}

/* GLib listens with a backlog of 10: a burst of phones (a queue at the kiosk, a
 * campaign) would overflow it and wait a second per lost SYN. */
#define LISTEN_BACKLOG 1024

gboolean
gh_portal_listen (GhPortal  *self,
                  GError   **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (self->config->address);
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (address, self->config->port);
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL || !g_socket_bind (socket, where, TRUE, error))
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (self->server, socket, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

int
gh_portal_get_port (GhPortal *self)
{
  GSList *uris = soup_server_get_uris (self->server);
  int port = uris != NULL ? g_uri_get_port (uris->data) : 0;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}
