/// The 16 Connect (gRPC) status codes, their wire names and HTTP statuses.
///
/// Guarantees: `init(wireName:)` inverts `wireName`; `httpStatus` follows the Connect protocol
/// reference (note `failed_precondition` → 400, not 412); `rawValue` is the gRPC number.
public enum ConnectCode: Int, Sendable, CaseIterable, Codable {
    case canceled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    public var wireName: String {
        switch self {
        case .canceled: "canceled"
        case .unknown: "unknown"
        case .invalidArgument: "invalid_argument"
        case .deadlineExceeded: "deadline_exceeded"
        case .notFound: "not_found"
        case .alreadyExists: "already_exists"
        case .permissionDenied: "permission_denied"
        case .resourceExhausted: "resource_exhausted"
        case .failedPrecondition: "failed_precondition"
        case .aborted: "aborted"
        case .outOfRange: "out_of_range"
        case .unimplemented: "unimplemented"
        case .internal: "internal"
        case .unavailable: "unavailable"
        case .dataLoss: "data_loss"
        case .unauthenticated: "unauthenticated"
        }
    }

    public init?(wireName: String) {
        guard let code = Self.allCases.first(where: { $0.wireName == wireName }) else { return nil }
        self = code
    }

    public var httpStatus: HTTPStatus {
        switch self {
        case .canceled: HTTPStatus(499)
        case .unknown, .internal, .dataLoss: .internalServerError
        case .invalidArgument, .failedPrecondition, .outOfRange: .badRequest
        case .deadlineExceeded: .gatewayTimeout
        case .notFound: .notFound
        case .alreadyExists, .aborted: .conflict
        case .permissionDenied: .forbidden
        case .resourceExhausted: .tooManyRequests
        case .unimplemented: .notImplemented
        case .unavailable: .serviceUnavailable
        case .unauthenticated: .unauthorized
        }
    }

    /// The code a client infers from an HTTP status when the body carries none (Connect spec).
    public static func inferred(fromHTTPStatus status: Int) -> ConnectCode {
        switch status {
        case 400: .internal
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireName)
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        self = ConnectCode(wireName: name) ?? .unknown
    }
}
