package main

import (
	"fmt"

	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/presence"
	"github.com/tillwatch/tillwatch/agent/tools"
	"github.com/tillwatch/tillwatch/configs"
)

// errAgentRunning is the message of a verb that must not open the ports
// of a running agent and cannot go through it.
const errAgentRunning = "%s: %s is running and holds the lane's ports: opening them here would take bytes from it (a payment it then never sees) and, as root, clear the exclusive lock it keeps on them. %s"

// besideAgent finds a running agent of cfg's lane. None: nil, nil (the
// verb opens the ports itself). One: the way through its local API, or an
// error saying why there is none and what to do.
func besideAgent(e *env, cfg *configs.Config, verb string) (*tools.Via, error) {
	ag, err := presence.Find(e.ctx, cfg)
	if err != nil || ag == nil {
		return nil, err
	}
	if ag.URL == "" {
		return nil, fmt.Errorf(errAgentRunning, verb, ag, "Its local API does not answer (http.address), so "+verb+" cannot go through it: turn http.address on, or stop the agent first (systemctl stop tillwatch)")
	}
	tok, err := apiguard.Read(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf(errAgentRunning, verb, ag, "Going through its local API needs its token, which this user cannot read ("+err.Error()+"): run as the agent's user or root")
	}
	fmt.Fprintf(e.stderr, "%s is running: %s goes through it (it keeps its ports and every byte)\n", ag, verb)
	return &tools.Via{URL: ag.URL, Token: tok}, nil
}
