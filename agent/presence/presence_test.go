package presence

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/tillwatch/tillwatch/configs"
)

func laneCfg(t *testing.T, addr string) *configs.Config {
	cfg := configs.Default()
	cfg.Site, cfg.Lane, cfg.DataDir = "s1", "l1", t.TempDir()
	cfg.HTTP.Address = addr
	return cfg
}

// TestFindByLock: Badger's LOCK naming a live process is a running agent;
// one left by a dead process (kill -9) or naming us is not.
func TestFindByLock(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows: Badger's LOCK cannot be read while held; the API check covers it")
	}
	cfg := laneCfg(t, "")
	if a, err := Find(context.Background(), cfg); err != nil || a != nil {
		t.Fatalf("no agent: %v %v", a, err)
	}
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(cfg.DataDir, "LOCK")
	if err := os.WriteFile(lock, []byte(strconv.Itoa(sleeper.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := Find(context.Background(), cfg)
	if err != nil || a == nil || !a.Held || a.PID != sleeper.Process.Pid {
		t.Fatalf("live holder: %+v %v", a, err)
	}
	if err := sleeper.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = sleeper.Wait()
	if a, err := Find(context.Background(), cfg); err != nil || a != nil {
		t.Fatalf("a LOCK left by a dead process: %+v %v", a, err)
	}
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		t.Fatal(err)
	}
	if a, _ := Find(context.Background(), cfg); a != nil {
		t.Fatalf("our own LOCK: %+v", a)
	}
}

// TestFindByAPI: an agent answering /status.json for the lane is found
// with its links; another lane's agent on the address is not this one.
func TestFindByAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/status.json" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"site":"s1","lane":"l1","devices":[{"name":"printer","up":true,"seen":true}]}`))
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	a, err := Find(context.Background(), laneCfg(t, addr))
	if err != nil || a == nil || a.URL != "http://"+addr || len(a.Devices) != 1 || !a.Devices[0].Up {
		t.Fatalf("agent by API: %+v %v", a, err)
	}
	other := laneCfg(t, addr)
	other.Lane = "l2"
	if a, _ := Find(context.Background(), other); a != nil {
		t.Fatalf("another lane's agent: %+v", a)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	if a, _ := Find(context.Background(), laneCfg(t, closed)); a != nil {
		t.Fatalf("nothing listening: %+v", a)
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{"": "", "127.0.0.1:9109": "http://127.0.0.1:9109", "0.0.0.0:9109": "http://127.0.0.1:9109",
		":9109": "http://127.0.0.1:9109", "[::]:9109": "http://127.0.0.1:9109", "lane.local:80": "http://lane.local:80", "bad": ""} {
		if got := BaseURL(in); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}
