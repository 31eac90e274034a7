export const USAGE = `padda — one proxy daemon for the serving patterns of Designing Distributed Systems

Usage:
  padda [run] [-c FILE] [-o LOGFILE] [-p PIDFILE] [-d] [-v N] [-s PORT] [-a ADDR]
                                  serve the listeners in FILE (default: $PADDA_CONFIG)
  padda demo                      the demo (npm start): config/demo.yaml, plus redis-server and memcached
                                  shards on loopback when they are installed
  padda check [-c FILE]           validate FILE and print it normalized; exit 2 listing every problem
  padda route [-c FILE] [--listener NAME] [--json] [KEY…]
                                  print KEY<TAB>SERVER: where each key lives (keys from stdin when none given);
                                  FILE may be padda's config or a twemproxy nutcracker.yml
  padda load [-c FILE] --listener NAME [--duration 10s] [--connections 50] [--path /]
                                  load one listener and its upstream directly, side by side (autocannon;
                                  redis-benchmark or memcslap for redis and memcache listeners)
  padda schema                    print the config's JSON Schema (for editor completion)
  padda version                   print the version
  padda --help                    this text

Options (nutcracker's, so padda can replace it in scripts and manifests):
  -c, --conf-file FILE     the config (--config FILE); padda's own or a nutcracker.yml
  -t, --test-conf          check the config and exit (padda check)
  -o, --output FILE        log to FILE instead of stdout (--log-file); SIGHUP reopens it
  -p, --pid-file FILE      write the pid to FILE, removed on exit
  -d, --daemonize          run in the background, detached (log with -o)
  -v, --verbose N          nutcracker's log level 0-11: 0-2 fatal, 3 error, 4 warn, 5-6 info, 7 debug, 8+ trace
  -s, --stats-port PORT    serve twemproxy's stats JSON on PORT (nutcracker: 22222)
  -a, --stats-addr ADDR    ... on ADDR (nutcracker: 0.0.0.0); padda serves it only when -s or -a is given
  -i, --stats-interval MS  accepted; padda's stats are live
  -m, --mbuf-size N        accepted; padda sizes buffers per connection
  -V, --version            print the version
  -h, --help               this text

Signals: SIGHUP reloads the config (so does saving the file) and reopens the log
files; SIGUSR1 reopens them (-o, access and slow logs) without a reload, for
logrotate; SIGTTIN and SIGTTOU log one level more and less verbose; SIGTERM or SIGINT
drains in-flight work for up to drain_timeout, then exits 0.
Environment: PADDA_CONFIG (config file), PADDA_LOG_LEVEL (overrides log.level),
PADDA_LOG_FILE (-o), PADDA_STATS_LISTEN (-s/-a), PADDA_ADMIN_LISTEN (the admin
server of a nutcracker.yml); \${VAR} and \${VAR:-default} in the config are read
from the environment.
Exit codes: 0 ok, 1 an unexpected error, 2 the config has problems, 64 bad usage.
`;
