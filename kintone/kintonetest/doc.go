// Package kintonetest is an in-memory cybozu.com domain, in the spirit of
// net/http/httptest. A Domain holds the state and is the http.Handler of
// the API; its options are fixed when it is made. Tests serve it with
// httptest.NewServer(domain), or use NewServer, which does that on
// loopback and keeps the Domain's accessors at hand; `userimport sim`
// serves one with Listen. Clients point the kintone client at the URL and
// inspect the resulting state through the accessors.
//
// The simulator stands for the service, so its rules are its own table
// written from the reference (/work/shared/kintone-user-api.md, cited as
// "reference §N"), never calls into the project's validate package. The
// table, the checks of one item and the per-field messages are in
// internal/fields; this package owns the state, the routing and the answers.
//
// Endpoints (reference §2): GET/POST/PUT/DELETE /v1/users.json,
// PUT /v1/users/codes.json, GET/PUT /v1/users/services.json,
// GET /v1/user/organizations.json, PUT /v1/userOrganizations.json,
// POST/DELETE /k/v1/guests.json, PUT /k/guest/{ID}/v1/space/guests.json
// (guest spaces come from WithGuestSpace). Writes answer {} on success.
//
// Request pipeline, in order:
//
//  1. Concurrency gate: every response carries X-ConcurrencyLimit-Limit and
//     X-ConcurrencyLimit-Running; a request beyond the limit (default 100)
//     gets 429 GAIA_TO04 with X-Cybozu-Error.
//  2. Request hook (WithRequestHook) and latency (WithLatency).
//  3. Front door: Basic auth / IP restriction answer with an HTML 401 page.
//  4. Routing. An unknown path is 404 and a known path with a wrong method
//     405 (with an Allow header), both with the JSON code CB_NF01. The
//     reference records no code for these; CB_NF01 is the simulator's own.
//  5. Authentication (reference §4): a Bearer token wins over
//     X-Cybozu-Authorization (on /k/ routes a token is ignored unless
//     WithTokenOnGuestAPIs); none → 401 CB_AU01; bad → 401 CB_WA01 (520
//     with WithLegacyAuthStatus). Writes by a non-administrator or a Read
//     token → 403 CB_NO02; any authenticated account may read. A token
//     without the Dangerous Zone scope that updates or deletes a member of
//     the Administrators group → 403 CB_NO02.
//  6. Fault draw for writes (WithFaults, WithSeed): one draw per write
//     request; a fault replaces the success of a valid write only, and only
//     drop-after-commit applies the write.
//  7. Body: JSON only with Content-Type application/json (otherwise the
//     body is ignored, so a write fails validation). Empty write body →
//     400 CB_IL02, malformed JSON → 400 CB_IJ01. X-HTTP-Method-Override is
//     honoured on POST; GET parameters come from the query string
//     (codes[0]=a, or codes=a) or a JSON body.
//  8. Validation of the whole batch under the state lock, reporting every
//     invalid item in one 400 CB_VA01, then an atomic commit.
//
// Messages follow Accept-Language (en or ja); otherwise they are in the
// default language (WithDefaultLanguage; Japanese unless set, as the service answers a user whose language is "auto").
//
// Where the documents are silent, options select each plausible answer:
// WithPartialCommit (a rejected Add batch keeps its rows before the first
// invalid one), WithUnknownUserStatus (Update User Services naming an
// unknown user: 400, 404 or 520), WithTokenScope, WithTokenOnGuestAPIs,
// WithDefaultLanguage, WithLegacyAuthStatus, WithCustomItems and
// WithCustomItemsReplace (merge or replace a partial custom item list).
// Always on: DELETE parameters from the query string when the body has
// none, sortOrder "" clearing the sort order, and Get Users returning
// every custom item of the domain, "" when not set.
//
// Where the reference leaves a choice open the simulator picks one and says
// so at the rule: 128-character limits (64 with WithJapaneseLimits),
// optional user time zone defaulting to Asia/Tokyo, unknown JSON keys
// ignored, 100 guests per request.
package kintonetest
