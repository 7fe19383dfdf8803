/// Why an operation on a pool was refused. A value, not a thrown error: the shell maps it to a
/// Connect code (see `code`), and tests assert on it directly.
public enum PoolRejection: Error, Sendable, Equatable, Codable {
    case notFound(String)
    case alreadyExists(String)
    case invalid(String)
    /// The request named a state that is no longer current (stale etag or round).
    case stale(String)
    /// The pool cannot take this operation now (decided, closed, not yet voting…).
    case notAllowed(String)
    case unauthenticated(String)
    case permissionDenied(String)
    case tooManyPools(Int)

    public var message: String {
        switch self {
        case .notFound(let m), .alreadyExists(let m), .invalid(let m), .stale(let m), .notAllowed(let m),
             .unauthenticated(let m), .permissionDenied(let m):
            m
        case .tooManyPools(let cap): "this node already holds its maximum of \(cap) pools"
        }
    }
}

/// What changed, as a durable record: replaying the records of a log rebuilds the same `PoolBook`.
public enum PoolEvent: Sendable, Equatable, Codable {
    case created(id: String, size: Int, minValue: Int64, maxValue: Int64, ttlMilliseconds: Int64, now: Int64)
    case joined(pool: String, member: String, token: String, now: Int64)
    case left(pool: String, member: String, now: Int64)
    case voted(pool: String, member: String, value: Int64, now: Int64)
    case failed(pool: String, reason: String, now: Int64)
    case removed(pool: String)

    public var poolID: String {
        switch self {
        case .created(let id, _, _, _, _, _): id
        case .joined(let pool, _, _, _), .left(let pool, _, _), .voted(let pool, _, _, _),
             .failed(let pool, _, _), .removed(let pool): pool
        }
    }
}
