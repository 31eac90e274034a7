export const USAGE = `padda — one proxy daemon for the serving patterns of Designing Distributed Systems

Usage:
  padda [run] [--config FILE]     serve the listeners in FILE (default: $PADDA_CONFIG)
  padda demo                      the demo (npm start): config/demo.yaml, plus redis-server and memcached
                                  shards on loopback when they are installed
  padda check [--config FILE]     validate FILE and print it normalized; exit 2 listing every problem
  padda route [--config FILE] [--listener NAME] [--json] [KEY…]
                                  print KEY<TAB>SERVER: where each key lives (keys from stdin when none given);
                                  FILE may be padda's config or a twemproxy nutcracker.yml
  padda schema                    print the config's JSON Schema (for editor completion)
  padda version                   print the version
  padda --help                    this text

Signals: SIGHUP reloads the config (so does saving the file) and reopens the log
file; SIGTTIN and SIGTTOU log one level more and less verbose; SIGTERM or SIGINT
drains in-flight work for up to drain_timeout, then exits 0.
Environment: PADDA_CONFIG (config file), PADDA_LOG_LEVEL (overrides log.level);
\${VAR} and \${VAR:-default} in the config are read from the environment.
`;
