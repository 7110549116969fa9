/* What the portal's files share: the server object, one request as a worker
 * thread sees it (copied out of the SoupServerMessage, which only the main
 * thread touches), the handlers, sessions and the page helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-token.h"
#include "portal/gh-portal.h"
#include "portal/gh-portal-db.h"

G_BEGIN_DECLS

typedef struct _GhPortalSessions GhPortalSessions;
typedef struct _GhPortalStaff GhPortalStaff;

struct _GhPortal {
  GObject            parent_instance;
  GhPortalConfig    *config;
  SoupServer        *server;
  GhTrust           *bundle_trust;
  GhPortalDb        *db;
  GhPortalSessions  *sessions;
  guint8             secret[32];   /* keys the CSRF tokens; new at each start */
  gboolean           tls;
  /* The approved kiosks' receipt keys, read from HQ at most every few seconds,
   * and the newest verified catalog per bundle (gh-portal-hq.c). */
  GMutex             cache_lock;
  GhTokenTrust      *kiosk_trust;
  gint64             kiosk_trust_at;   /* monotonic seconds */
  GHashTable        *catalogs;         /* bundle change_no (gint64*) -> GhCatalog */
  GhKioskKeys       *receipt_keys;     /* signs the portal's own receipts; NULL: none */
  GhPortalStaff     *staff;            /* HQ staff for the fleet report; NULL: no /hq pages */
};

typedef struct {
  GhPortal    *portal;
  /* In: copied from the message on the main thread. */
  char        *method;
  char        *path;
  GHashTable  *query;     /* name -> value; never NULL */
  GHashTable  *form;      /* POST fields; never NULL */
  GHashTable  *cookies;   /* never NULL */
  char        *accept_language;
  char        *client;    /* the client's address, for rate limits only; never logged */
  gboolean     https;     /* as the browser sees it (TLS here, or the proxy says so) */
  char        *lang;      /* the page's language, chosen before the handler runs */
  /* Out. */
  guint        status;
  char        *content_type;
  GString     *body;
  GPtrArray   *set_cookies;  /* Set-Cookie values */
  char        *location;     /* a redirect's target */
  char        *disposition;  /* Content-Disposition of a download */
  guint        retry_after;  /* seconds, for 429/503 */
  gboolean     personal;     /* shows personal data: never cached (every page is no-store anyway) */
  char        *csp;          /* this answer's Content-Security-Policy; NULL: the portal's */
  const char  *route;        /* the route's name for the log: never the path, which may hold a token */
  PGconn      *conn;         /* taken from the pool on first use, given back at the end */
} GhPortalRequest;

typedef void (*GhPortalHandler) (GhPortalRequest *req);

/* ---- handlers (worker threads) ------------------------------------------- */
void  _gh_portal_handle_home       (GhPortalRequest *req);
void  _gh_portal_handle_receipt    (GhPortalRequest *req);
void  _gh_portal_handle_code       (GhPortalRequest *req);
void  _gh_portal_handle_sign_in    (GhPortalRequest *req);
void  _gh_portal_handle_sign_out   (GhPortalRequest *req);
void  _gh_portal_handle_me         (GhPortalRequest *req);
void  _gh_portal_handle_copy       (GhPortalRequest *req);
void  _gh_portal_handle_copy_json  (GhPortalRequest *req);
void  _gh_portal_handle_choice     (GhPortalRequest *req);
void  _gh_portal_handle_forget     (GhPortalRequest *req);
void  _gh_portal_handle_hq          (GhPortalRequest *req);
void  _gh_portal_handle_hq_sign_in  (GhPortalRequest *req);
void  _gh_portal_handle_hq_report   (GhPortalRequest *req);
void  _gh_portal_handle_hq_sign_out (GhPortalRequest *req);

/* argon2id checks at once (gh-portal-signin.c): each holds 64 MiB. */
void  _gh_portal_check_begin (void);
void  _gh_portal_check_end   (void);

/* ---- HQ staff (gh-portal-staff.c) ------------------------------------------ */

/* Reads the staff file: "NAME ARGON2ID-HASH" lines, # comments. A bad line is
 * refused with FILE:LINE and the reason, never the hash. */
GhPortalStaff *_gh_portal_staff_load          (const char     *path,
                                               GError        **error);
void           _gh_portal_staff_free          (GhPortalStaff  *staff);
/* @name's hash (a copy), or NULL when the file does not name them. */
char          *_gh_portal_staff_hash          (GhPortalStaff  *staff,
                                               const char     *name);
/* Starts a staff session; returns the gh_hq cookie's value. */
char          *_gh_portal_staff_session_start (GhPortalStaff  *staff);
/* Whether @req's gh_hq cookie is a live staff session (and keeps it alive). */
gboolean       _gh_portal_staff_signed_in     (GhPortalRequest *req);
void           _gh_portal_staff_session_end   (GhPortalRequest *req);
/* A staff session's absolute lifetime, also the cookie's Max-Age. */
#define GH_PORTAL_STAFF_MAX_SECONDS (60 * 60)

/* ---- what the portal reads at HQ (gh-portal-hq.c) ------------------------ */

/* Takes a connection for @req (kept until the request ends); NULL with @error when
 * HQ is unavailable. */
PGconn       *_gh_portal_conn          (GhPortalRequest  *req,
                                        GError          **error);
/* Checks @token with the receipt keys of the kiosks HQ approved (read from HQ,
 * kept a few seconds) and its expiry: gh_token_verify's answer, or a
 * GH_PORTAL_DB_ERROR when HQ cannot be read. */
GhTokenClaims *_gh_portal_verify_token (GhPortalRequest  *req,
                                        const char       *token,
                                        GError          **error);

typedef struct {
  char       *ref;
  char       *loyalty_id;
  char       *display_name;
  GStrv       stores;
  gint64      member_since;
  GhCatalog  *catalog;   /* the active config for the member's store, verified */
  GPtrArray  *items;     /* GhDataItem* */
  GPtrArray  *consents;  /* GhConsent*: the latest decision per purpose at HQ */
} GhPortalMember;

void            _gh_portal_member_free (GhPortalMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPortalMember, _gh_portal_member_free)
/* Everything the signed-in pages show about @ref; NULL when HQ no longer holds
 * them (forgotten) with no error, or NULL with @error. */
GhPortalMember *_gh_portal_member_load (GhPortalRequest  *req,
                                        const char       *ref,
                                        GError          **error);
/* The answer when HQ or the config cannot be had: a page that says so, 503. */
void            _gh_portal_page_unavailable (GhPortalRequest *req,
                                             const GError    *error);

/* ---- the portal's own receipts (gh-portal-issue.c) ------------------------- */

/* Reads the portal's receipt key ("glasshouse-kiosk-key/1 BASE64-SEED", owner-only). */
GhKioskKeys *_gh_portal_receipt_keys_load (const char  *path,
                                           GError     **error);
/* Inside the caller's transaction on req->conn: issues the consent receipt for
 * @purpose_id having gone @from -> @to (the decision @change_no) and stores it in
 * glasshouse.receipt. Returns its token, or NULL with @error. */
char        *_gh_portal_issue_receipt     (GhPortalRequest  *req,
                                           GhPortalMember   *member,
                                           const char       *purpose_id,
                                           GhConsentState    from,
                                           GhConsentState    to,
                                           gint64            change_no,
                                           GError          **error);

/* ---- pages (gh-portal-page.c) -------------------------------------------- */
/* Every portal string has the context "portal": its words are for a phone, and
 * sharing msgids with the kiosk would tie the two catalogues together. */
#define T(req, msgid) gh_portal_pgettext ((req)->lang, "portal", (msgid))

char *_gh_portal_escape         (const char *text);
/* Appends @text escaped. */
void  _gh_portal_append_escaped (GString    *out,
                                 const char *text);
/* Fills @req's body with the layout around @main (HTML already escaped), titled
 * @title (plain text), with @status. */
void  _gh_portal_page           (GhPortalRequest *req,
                                 guint            status,
                                 const char      *title,
                                 const char      *main);
/* The plain refusal: "This link is not valid", no detail, with @status. */
void  _gh_portal_page_invalid   (GhPortalRequest *req,
                                 guint            status);
/* A short page with a heading and one paragraph (both plain text). */
void  _gh_portal_page_message   (GhPortalRequest *req,
                                 guint            status,
                                 const char      *heading,
                                 const char      *text);
void  _gh_portal_redirect       (GhPortalRequest *req,
                                 const char      *location);
/* The hidden CSRF field for the form of @req's session or pre-session. */
char *_gh_portal_csrf_field     (GhPortalRequest *req);
/* A date for people, in @req's language ("7 December 2026, 14:05 UTC"). */
char *_gh_portal_format_time    (GhPortalRequest *req,
                                 gint64           unix_seconds,
                                 gboolean         with_time);

/* ---- sessions, CSRF and rate limits (gh-portal-session.c) ---------------- */
typedef struct {
  char   *ref;          /* the member's pseudonym */
  char   *first_name;   /* for the greeting; never logged */
  gint64  created;
} GhPortalSignedIn;

void              _gh_portal_signed_in_free (GhPortalSignedIn *who);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPortalSignedIn, _gh_portal_signed_in_free)

GhPortalSessions *_gh_portal_sessions_new    (int minutes,
                                              int max_minutes,
                                              int code_attempts);
void              _gh_portal_sessions_free   (GhPortalSessions *sessions);
/* Starts a session for @ref; returns the cookie value. */
char             *_gh_portal_session_start   (GhPortal         *portal,
                                              const char       *ref,
                                              const char       *first_name);
/* The signed-in member of @req's session cookie, or NULL (expired, unknown). */
GhPortalSignedIn *_gh_portal_session_get     (GhPortalRequest  *req);
void              _gh_portal_session_end     (GhPortalRequest  *req);
/* Ends every session of @ref (after forgetting them). */
void              _gh_portal_sessions_end_for (GhPortal        *portal,
                                              const char       *ref);
/* The CSRF token of @req: bound to its session, else to its pre-session cookie,
 * which it sets when missing. */
char             *_gh_portal_csrf_token      (GhPortalRequest  *req);
/* Whether the form of @req carries the right CSRF token. */
gboolean          _gh_portal_csrf_check      (GhPortalRequest  *req);
/* The same, and when it does not, the "This form has expired" page (403) is sent. */
gboolean          _gh_portal_form_fresh      (GhPortalRequest  *req);
/* Counts one short-code try by @req's client; FALSE (and the seconds to wait)
 * when the client used up its tries for this minute. */
gboolean          _gh_portal_code_try        (GhPortalRequest  *req,
                                              guint            *retry_after);
/* The phantom lockout of a loyalty number HQ does not know, kept in memory so
 * an unknown number locks like a known one. */
gint64            _gh_portal_phantom_locked  (GhPortal         *portal,
                                              const char       *loyalty_id,
                                              gint64            now);
void              _gh_portal_phantom_failed  (GhPortal         *portal,
                                              const char       *loyalty_id,
                                              gint64            now);
/* Forgets the failures of @key after a success (HQ staff, whose lockout lives here). */
void              _gh_portal_phantom_clear   (GhPortal         *portal,
                                              const char       *key);
/* Adds a Set-Cookie to @req: HttpOnly; Secure; SameSite=Strict; Path=/. */
void              _gh_portal_set_cookie      (GhPortalRequest  *req,
                                              const char       *name,
                                              const char       *value,
                                              int               max_age);

/* The language cookie and its query parameter. */
#define GH_PORTAL_COOKIE_SESSION "gh_session"
#define GH_PORTAL_COOKIE_PRE     "gh_pre"
#define GH_PORTAL_COOKIE_LANG    "gh_lang"
#define GH_PORTAL_COOKIE_HQ      "gh_hq"

G_END_DECLS
