/// Help text for `node` and each subcommand.
public enum Usage {
    public static let version = "0.1.0"

    public static func text(for command: String?) -> String {
        switch command {
        case "serve": serve
        case "call": call
        case "cluster": cluster
        case "agent": agent
        default: root
        }
    }

    static let root = """
    node \(version): replicated services over the Connect protocol (JSON or binary protobuf over HTTP/1.1).

    Usage:
      node serve   --role consensus|register|bulletin [options]   run one replica
      node call    <address> <package.Service/Method> [json|@file|-]   call any method
      node cluster --role ROLE --replicas N                      run a local cluster
      node agent   <address>... [--pool ID] [--id NAME]           one voting client (consensus role)
      node --version

    Run 'node <command> --help' for a command's options.
    """

    static let serve = """
    Usage: node serve --role ROLE [options]

    Runs one replica. Prints 'listening on HOST:PORT' once it accepts connections.
    SIGINT/SIGTERM: stop accepting, finish in-flight requests (up to --drain-timeout), exit.

    Options:
      --role ROLE             consensus, register or bulletin (required)
      --id ID                 this node's id (default n1); must appear in --peers when given
      --listen HOST:PORT      address to bind (default \(ServeOptions.defaultListen)); port 0 picks a free port;
                              IPv6 as [::1]:PORT
      --peers ID=HOST:PORT,…  every member of the cluster, this node included
      --cluster-file FILE     the members as JSON: {"members":[{"id":"n1","address":"127.0.0.1:7001"},…]}
      --cluster-token TOKEN   shared secret required (Authorization: Bearer) on peer-only services;
                              also --cluster-token-file FILE or the NODE_CLUSTER_TOKEN environment variable
      --client-tokens FILE    require a client token on client services; one 'name token' per line
      --peer-transport KIND   pooled (default) or urlsession
      --peer-codec CODEC      proto (default) or json: how peer calls encode messages
      --heartbeat-interval D  failure-detector heartbeat period (default 500ms)
      --failure-timeout D     a peer silent this long is suspected (default 2s)
      --data-dir DIR          where durable state lives (locked against a second process)
      --fsync POLICY          always (default: acknowledged writes are on disk), batch, or never
      --max-pools N           consensus: pools held at once before CreatePool is refused (default 10000)
      --max-value-bytes N     register: largest value accepted (default 1048576)
      --event-loops N         event-loop threads (default: one per core; `node cluster` divides the
                          cores among its replicas)
      --peer-timeout D        register, bulletin: patience for one peer call (default 2s)
      --write-rounds N        register: 1 (default) lets a write take one round trip when this node
                              has the key's latest version (up to 4 replicas); 2 always queries first
      --anti-entropy-interval D  register, bulletin: how often replicas exchange versions (default 5s)
      --snapshot-every N         consensus, bulletin: log entries (items) between snapshots (default 10000)
      --mode MODE             bulletin: sequential (default), quorum or read-your-writes
      --read-quorum N         bulletin quorum mode: replicas merged per read, NR (default majority)
      --write-quorum N        bulletin quorum mode: replicas storing a post before it is acked, NW
                              (default majority); NR + NW must exceed the number of replicas
      --max-title-bytes N     bulletin: longest title (default 1024; author: 256)
      --max-post-bytes N      bulletin: longest body of a post or reply (default 65536)
      --log-level LEVEL       trace, debug, info (default), notice, warning, error, critical
      --log-format FORMAT     logfmt (default) or json; logs go to stderr
      --max-body-bytes N      largest request body accepted (default 4194304)
      --max-connections N     open connections beyond this are refused with 503 (default 4096)
      --drain-timeout D       graceful shutdown budget (default 15s)
      --idle-timeout D        close idle keep-alive connections after D (default 120s)
      --header-timeout D      a request head must arrive within D (default 10s)
    """

    static let call = """
    Usage: node call <address> <package.Service/Method> [json | @file | -] [options]
           node call <address>,<address>,… --all <package.Service/Method> [json]
           node call <address> --list
           node call <address> --describe <package.Service>

    Calls a method and prints the response JSON (streams print one JSON object per line as each
    message arrives; Ctrl-C ends a stream).
    The request is the JSON argument, the contents of @file, or standard input for '-' (default {}).

    Options:
      -H, --header 'name: value'   add request metadata (repeatable)
      --timeout D                  deadline sent as Connect-Timeout-Ms (e.g. 500ms, 5s)
      -v, --verbose                request and response headers to stderr
      --codec json|proto           the wire encoding (default json); with proto the JSON given is sent
                                   as binary protobuf and the binary answer printed as JSON, for the
                                   methods of this node's services
      --all                        call every address given (comma-separated) and print one line each,
                                   e.g. register.v1.Register/ReadLocal to see each replica's version

    Exit status: 0 on success (also for a stream ended with Ctrl-C); on an RPC error the code,
    message and details go to stderr and the status is the gRPC number of the code (1 canceled …
    14 unavailable … 16 unauthenticated); 64 for usage errors.
    """

    static let agent = """
    Usage: node agent <address>... [--pool ID] [--id NAME] [--strategy random|stubborn|follow-majority]
                      [--patience 60s] [--seed N] [-H 'name: value']

    One voting client for the consensus role: joins the pool (or the oldest open one), watches it,
    votes each round with the pool's etag, and exits 0 printing 'pool=… round=… winner=…'.
    It retries with backoff while no server answers (start it before the server if you like) and
    fails over between the addresses given. Exits 1 with the reason if the pool fails for good or
    nothing is decided within --patience.

    Options:
      --pool ID        the pool to join (default: the oldest open pool, or a new one of 3)
      --id NAME        member id (default: agent-<pid>)
      --strategy S     random (default), stubborn (same value every round) or follow-majority
      --patience D     give up after D (default 60s)
      --seed N         seed the value choices (reproducible runs)
      -H 'k: v'        extra request header, e.g. 'Authorization: Bearer <client token>'
    """

    static let cluster = """
    Usage: node cluster --role ROLE [--replicas N] [--base-port P] [--data-dir DIR] [-- serve options]

    Starts N 'node serve' child processes wired as peers on 127.0.0.1 and prints their addresses.
    A replica that exits is reported (and whether a majority still runs) and started again with
    the same id, port and data dir, so you can watch it catch up; one that keeps exiting within
    10 s of starting is given up after 3 tries. The cluster stops on Ctrl-C, or when a majority
    is down and will not be restarted. A temporary data dir is removed on exit.

    Options:
      --role ROLE      consensus, register or bulletin (required)
      --replicas N     number of replicas (default 3)
      --base-port P    use ports P…P+N-1 (default: free ports chosen by the system)
      --host HOST      address to bind (default 127.0.0.1)
      --data-dir DIR   parent of each replica's data dir, kept (default: a temporary one, removed)
      --no-restart     leave a replica that exits down (the cluster stops once a majority is down)
      --mode MODE      bulletin: sequential (default), quorum or read-your-writes
    """
}
