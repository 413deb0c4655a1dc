// Package apiguard is the gate in front of the agent's local HTTP API (the
// status page, /status.json, /metrics, the journal API). A listener on
// 127.0.0.1 is not private: any web page the register PC's browser opens
// can send requests to it. The gate closes the holes Syncthing and Jupyter
// closed for the same reason:
//
//   - DNS rebinding: a page on rebind.attacker.example re-resolves its own
//     name to 127.0.0.1 and reads the answers as same-origin. The browser
//     still sends "Host: rebind.attacker.example", so only loopback names,
//     IP literals and the names the config allows (http.allowed_hosts) are
//     served; anything else gets 403.
//   - Cross-site requests: a page on another origin (another port of
//     127.0.0.1 included) sends "Sec-Fetch-Site: cross-site|same-site" or an
//     Origin that is not the Host it talks to. Those get 403, except a
//     plain navigation (a link to the status page from a dashboard), which
//     gives the linking page nothing to read. State-changing methods are
//     never let through cross-site.
//   - State-changing calls (reprint, summary publish) need the token the
//     agent keeps in its data directory (TokenFile, mode 0600), sent as
//     "Authorization: Bearer TOKEN". The CLI, run by the agent's user or
//     root, reads it there; a web page cannot.
//
// Requests without any browser header (curl, the CLI, Prometheus) pass the
// cross-site check: they are not made on behalf of a web page.
package apiguard
