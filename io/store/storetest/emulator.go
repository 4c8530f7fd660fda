// Package storetest runs an in-process Cloud Storage emulator for tests, so
// that gs:// paths go through the real cloud.google.com/go/storage client.
package storetest

import (
	"fmt"
	"net"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/gaiaflow/gaiaflow/io/store"
)

// Emulator starts a Cloud Storage emulator on a loopback port holding an
// empty bucket, points STORAGE_EMULATOR_HOST at it for the rest of the test,
// and returns the bucket's gs:// root. The emulator stops when the test ends.
func Emulator(t testing.TB, bucket string) string {
	t.Helper()
	// The emulator serves downloads only for requests addressed to its public
	// host, so it must know its own port before it starts.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	host := fmt.Sprintf("127.0.0.1:%d", port)
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: uint16(port), PublicHost: host,
	})
	if err != nil {
		t.Fatalf("storetest: start emulator: %v", err)
	}
	srv.CreateBucket(bucket)
	t.Setenv("STORAGE_EMULATOR_HOST", host)
	store.ResetClient()
	t.Cleanup(func() {
		store.ResetClient()
		srv.Stop()
	})
	return "gs://" + bucket
}
