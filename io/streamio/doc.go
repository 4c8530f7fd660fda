// Package streamio holds the files of the stream search (paper 004): the
// patches it stages once for its workers.
package streamio
