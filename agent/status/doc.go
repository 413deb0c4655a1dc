// Package status serves a lane's local status over HTTP: GET /healthz
// (200 and a JSON body while the agent's core loop runs and its database
// takes writes, 503 otherwise), GET /metrics (Prometheus text format, from
// a private registry) and GET / (a small server-rendered status page that
// refreshes itself: devices and their links, the uplink, last receipts and
// payments, open windows and recent alerts).
//
// The package knows nothing of the agent: it reads everything from a
// Source at request time, so a scrape or a page view costs one snapshot
// and nothing is counted twice. The listener is loopback by default
// (configs.DefaultHTTPAddress); the page shows receipts and alerts, so put
// anything that authenticates in front of it before exposing it.
package status
