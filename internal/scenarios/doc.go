// Package scenarios runs the labelled scenario corpus of testdata/scenarios
// (issue 5): each NAME.yaml is a readable lane story (sim.Scenario) with
// the alerts a person expects; NAME.capture.jsonl is the capture compiled
// from it by package sim (real ESC/POS and ZVT bytes, synthetic times);
// NAME.alerts.jsonl is the exact alerts (with ids) a replay gives. The
// test replays every capture through lane.New and lane.Replay, as
// `tillwatch replay` does, and compares; Score and WriteTable give
// precision and recall per kind (`make scenarios`).
//
// It lives in internal/ because it is a development tool: it needs
// agent/lane (replay) and sim (the generator), and agent/detect cannot
// import agent/lane.
package scenarios
