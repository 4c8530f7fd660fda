// Package config reads the configuration files of gaiaflow's scheduled and
// continuous runs: the JSON that `gaiaflow regen` takes names the same
// settings as the flags of `gaiaflow distances`, with the same defaults.
package config
