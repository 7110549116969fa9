/* A small but complete HQ config for the PIN, staff and erasure tests:
 * purchase history is under a legal hold (tax law), the rest is not, and there
 * is one staff member whose argon2id hash the test fills in (printf %s).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define GH_TEST_PRIVACY_CONFIG_FORMAT \
  "{\"format\":\"glasshouse-config/1\",\"version\":%d," \
  "\"issued_at\":\"2026-11-01T09:00:00Z\",\"expires_at\":\"2035-12-31T23:59:59Z\"," \
  "\"stores\":[\"*\"],\"languages\":[\"en\"]," \
  "\"controller\":{\"name\":\"Test Retail\",\"policy_url\":\"https://test.example/privacy\"," \
  "\"jurisdiction\":\"EU\"}," \
  "\"data_categories\":[" \
  "{\"id\":\"user.name\",\"title\":{\"en\":\"Name\"},\"description\":{\"en\":\"Your name\"}," \
  "\"retention_days\":3650}," \
  "{\"id\":\"user.contact.email\",\"title\":{\"en\":\"Email\"},\"description\":{\"en\":\"Email\"}," \
  "\"retention_days\":3650}," \
  "{\"id\":\"user.behavior.browsing_history\",\"title\":{\"en\":\"Browsing\"}," \
  "\"description\":{\"en\":\"What you looked at\"},\"retention_days\":365}," \
  "{\"id\":\"user.behavior.purchase_history\",\"title\":{\"en\":\"Purchases\"}," \
  "\"description\":{\"en\":\"What you bought\"},\"retention_days\":3650," \
  "\"legal_hold\":{\"en\":\"Tax law: sales records are kept for ten years\"}}]," \
  "\"purposes\":[" \
  "{\"id\":\"service.membership\",\"title\":{\"en\":\"Membership\"},\"description\":{\"en\":\"Run it\"}," \
  "\"legal_basis\":\"contract\",\"data_categories\":[\"user.name\",\"user.contact.email\"," \
  "\"user.behavior.purchase_history\"],\"notice_version\":\"1\"}," \
  "{\"id\":\"personalize.offers\",\"title\":{\"en\":\"Offers\"},\"description\":{\"en\":\"For you\"}," \
  "\"legal_basis\":\"consent\",\"data_categories\":[\"user.behavior.browsing_history\"," \
  "\"user.behavior.purchase_history\"],\"notice_version\":\"1\"}]," \
  "\"offers\":[{\"id\":\"runner\",\"title\":{\"en\":\"Running\"},\"description\":{\"en\":\"10%% off\"}," \
  "\"purpose\":\"personalize.offers\",\"rule\":[{\"category\":\"user.behavior.purchase_history\"}]}]," \
  "\"kiosk\":{\"idle_timeout_seconds\":90,\"warning_seconds\":20,\"staff_timeout_seconds\":60," \
  "\"portal_url\":\"https://privacy.test.example\"}," \
  "\"branding\":{\"name\":\"Test\",\"promise\":{\"en\":\"See what we know\"},\"accent_color\":\"#225588\"}," \
  "\"staff\":[{\"id\":\"s-0042\",\"name\":\"Sam\",\"pin_hash\":\"%s\"}]}"
