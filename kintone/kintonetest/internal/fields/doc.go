// Package fields is the simulator's own copy of the field rules of the
// kintone user API (reference §3.1 for users, §2 "Guests" for guests, §2
// for Update User Codes) and of the per-field messages a 400 CB_VA01
// lists under each field's key, in English and Japanese.
//
// ParseItem decodes one user or guest object of a write request and checks
// it against a rule table, recording every problem in an Errors at the
// item's Path, so that one response can name all invalid items at once
// (reference §5.1). Errors.Render turns them into the body's errors map.
//
// The package is internal to kintonetest: it is the server's half of the
// contract and deliberately shares nothing with the project's validate
// package, so that a test of the importer against the simulator checks the
// importer's rules against an independent reading of the reference.
package fields
