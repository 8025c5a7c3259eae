package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"unspun/internal/store"
)

// Server states, for /readyz.
const (
	stateStarting int32 = iota
	stateServing
	stateStopping
)

// checkEvery is how long a store check's outcome is reused: a load
// balancer polling /readyz every second does not write every time.
const checkEvery = time.Second

// checkTimeout bounds one store check.
const checkTimeout = 2 * time.Second

// storeCheck runs Store.Check (a read, then a one-row write) at most once
// per checkEvery and shares the outcome.
type storeCheck struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	busy chan struct{} // closed when the running check ends
}

func (s *Server) checkStore(ctx context.Context) error {
	c := &s.check
	c.mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < checkEvery {
		err := c.err
		c.mu.Unlock()
		return err
	}
	if c.busy != nil {
		busy := c.busy
		c.mu.Unlock()
		select {
		case <-busy:
			c.mu.Lock()
			defer c.mu.Unlock()
			return c.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	busy := make(chan struct{})
	c.busy = busy
	c.mu.Unlock()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkTimeout)
	err := s.cfg.Store.Check(cctx)
	cancel()
	if err != nil {
		s.cfg.Logger.Error("store check failed", "err", err)
	}
	c.mu.Lock()
	c.at, c.err, c.busy = time.Now(), err, nil
	c.mu.Unlock()
	close(busy)
	return err
}

// storeStatus is the status and the client's reason for a store failure:
// 507 for a full disk, 503 for a database that cannot be written or read.
func storeStatus(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrFull):
		return http.StatusInsufficientStorage, "the database's disk is full: nothing new can be stored (articles already stored are safe); the server's log says where"
	case errors.Is(err, store.ErrReadOnly):
		return http.StatusServiceUnavailable, "the database is read-only: nothing new can be stored; the server's log says which file and what to do"
	case errors.Is(err, store.ErrCorrupt):
		return http.StatusServiceUnavailable, "the database is damaged; the server's log says which file and how to recover it"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the database did not answer within " + checkTimeout.String()
	}
	return http.StatusServiceUnavailable, "the database is not working; the server's log says why"
}

// healthz says whether the server can do its work: the store answers a
// read and takes a write. 200 {"status":"ok","store":"ok"}, or 503/507
// with the reason.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.checkStore(r.Context()); err != nil {
		status, msg := storeStatus(err)
		writeJSON(w, status, map[string]any{"status": "unavailable", "store": "failing", "error": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": "ok"})
}

// readyz is for load balancers: 200 only while the server is serving
// (not starting, not shutting down) and its store check passes; 503
// otherwise, with the reason.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	switch s.state.Load() {
	case stateStarting:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting", "error": "the server is starting"})
		return
	case stateStopping:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "stopping", "error": "the server is shutting down"})
		return
	}
	if err := s.checkStore(r.Context()); err != nil {
		_, msg := storeStatus(err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
