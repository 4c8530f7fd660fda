// Package store opens, creates, lists and describes files on local disk and
// in Google Cloud Storage (gs://bucket/object), so that every reader and
// writer of gaiaflow takes the same paths on a laptop and on a cluster.
//
// Cloud Storage goes through cloud.google.com/go/storage with application
// default credentials; it honours STORAGE_EMULATOR_HOST, which is how the
// tests run against an in-process emulator.
//
// Files are created atomically: a local file is written under a temporary
// name and renamed on Close, a Cloud Storage object appears only when its
// upload completes. A reader never sees half a file.
package store
